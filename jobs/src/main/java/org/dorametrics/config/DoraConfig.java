package org.dorametrics.config;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** A validated configuration: every default applied, every path absolute, every reference resolved. */
public record DoraConfig(
        Path configFile,
        String configDigest,
        String output,
        Reporting reporting,
        List<Repo> repos,
        List<Service> services,
        List<Team> teams,
        Sources sources,
        Rules rules) {

    /** How periods are cut and which benchmark edition levels come from. */
    public record Reporting(ZoneId timezone, DayOfWeek weekStart, String benchmark, int trailingWeeks, int minSamples) {}

    /** A git repository read in place (a working copy or a bare directory). */
    public record Repo(String name, Path path, List<String> branches) {}

    public record Service(String name, String repo) {}

    public record Team(String name, List<String> services) {}

    /** A file of deployment or incident records; {@code name} identifies it in raw zone and rejects. */
    public record FileSource(String name, Path file, FileFormat format) {}

    public enum FileFormat { JSONL, CSV }

    public record Sources(List<FileSource> deployments, List<FileSource> incidents) {}

    /** Which commit time starts a change's lead time (DORA.md §1). */
    public enum ChangeStart { AUTHOR_TIME, COMMITTER_TIME }

    public record Rules(
            Pattern productionEnvironment,
            Pattern hotfix,
            Duration attributionWindow,
            Duration baselineLookback,
            ChangeStart changeStart,
            double maxRejectRatio) {}

    public Optional<Service> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<Repo> repo(String name) {
        return repos.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
