package org.dorametrics.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dorametrics.testing.GitFixture;
import org.eclipse.jgit.lib.ObjectId;

/**
 * A golden scenario folder: {@code scenario.yaml} (report date and git histories with named commits),
 * {@code dora.yaml}, source files (and commit messages) that name commits as {@code {c1}}, and
 * {@code expected/<table>.csv}.
 * {@link #materialize} builds the repositories with JGit and writes the sources with real SHAs into a work folder.
 */
final class Scenario {
    final String name;
    final Path folder;
    final LocalDate asOf;
    private final JsonNode repos;
    final Map<String, String> namesBySha = new HashMap<>();

    private Scenario(Path folder) throws IOException {
        this.folder = folder;
        this.name = folder.getFileName().toString();
        JsonNode spec = new YAMLMapper().readTree(folder.resolve("scenario.yaml").toFile());
        this.asOf = LocalDate.parse(spec.get("as_of").asText());
        this.repos = spec.get("repos");
    }

    static List<Scenario> all(Path root) throws IOException {
        List<Scenario> scenarios = new ArrayList<>();
        try (Stream<Path> folders = Files.list(root)) {
            for (Path folder : folders.sorted().toList()) {
                if (Files.exists(folder.resolve("scenario.yaml"))) {
                    scenarios.add(new Scenario(folder));
                }
            }
        }
        return scenarios;
    }

    /** Replaces each {name} of a commit built so far with its SHA. */
    private static String withShas(String text, Map<String, String> shasByName) {
        for (Map.Entry<String, String> commit : shasByName.entrySet()) {
            text = text.replace("{" + commit.getKey() + "}", commit.getValue());
        }
        return text;
    }

    /** Builds the scenario's repositories and sources under {@code work}; returns the config file to run. */
    Path materialize(Path work) throws IOException {
        Map<String, String> shasByName = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = repos.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> repo = it.next();
            try (GitFixture git = GitFixture.createBare(work.resolve("git").resolve(repo.getKey() + ".git"))) {
                String previous = null;
                for (JsonNode commit : repo.getValue().get("commits")) {
                    String commitName = commit.get("name").asText();
                    Instant authored = Instant.parse(commit.get("time").asText());
                    Instant committed = commit.has("committed") ? Instant.parse(commit.get("committed").asText()) : authored;
                    List<String> parents = new ArrayList<>();
                    if (commit.has("parents")) {
                        commit.get("parents").forEach(p -> parents.add(p.asText()));
                    } else if (previous != null) {
                        parents.add(previous);
                    }
                    String message = withShas(commit.has("message") ? commit.get("message").asText() : commitName, shasByName);
                    String path = commit.has("path") ? commit.get("path").asText() : commitName + ".txt";
                    ObjectId id = git.commit(commitName, message, authored, committed, path, parents);
                    shasByName.put(commitName, id.name());
                    namesBySha.put(id.name(), commitName);
                    previous = commitName;
                }
                JsonNode branchSpec = repo.getValue().path("branches");
                for (Iterator<Map.Entry<String, JsonNode>> branches = branchSpec.fields(); branches.hasNext(); ) {
                    Map.Entry<String, JsonNode> branch = branches.next();
                    git.branch(branch.getKey(), branch.getValue().asText());
                }
            }
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                String fileName = file.getFileName().toString();
                if (Files.isRegularFile(file) && !fileName.equals("scenario.yaml")) {
                    Files.writeString(work.resolve(fileName), withShas(Files.readString(file, StandardCharsets.UTF_8), shasByName),
                            StandardCharsets.UTF_8);
                }
            }
        }
        return work.resolve("dora.yaml");
    }
}
