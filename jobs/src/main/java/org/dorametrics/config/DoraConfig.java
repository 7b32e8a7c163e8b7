package org.dorametrics.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.dorametrics.job.Redaction;

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
        Rules rules,
        Alerts alerts) {

    /**
     * How periods are cut, which benchmark edition levels come from, and how many recent weeks each run recomputes
     * (older periods keep their published rows).
     */
    public record Reporting(ZoneId timezone, DayOfWeek weekStart, String benchmark, int trailingWeeks, int minSamples,
                            int recomputeWeeks) {}

    /**
     * A git repository, read from {@code path}: the configured working copy or bare directory, or for a repo with a
     * {@code remote} the bare mirror of it that collect keeps in the git cache.
     */
    public record Repo(String name, Path path, List<String> branches, Remote remote) {
        /** A repository read in place. */
        public Repo(String name, Path path, List<String> branches) {
            this(name, path, branches, null);
        }

        public boolean isMirrored() {
            return remote != null;
        }
    }

    /**
     * Where a mirrored repo is fetched from, and how collect signs in: over http(s) as {@code username} with the token
     * of {@code tokenEnv} or {@code tokenFile}; over ssh with {@code sshKeyFile}, checking the server's key against
     * {@code knownHostsFile} (the user's ~/.ssh files when null); or anonymously. Secrets are named, never held.
     */
    public record Remote(String url, Protocol protocol, String username, String tokenEnv, Path tokenFile, Path sshKeyFile,
                         Path knownHostsFile) {
        private static final int MIRROR_NAME_LENGTH = 60;

        /** How a url is fetched: http(s), ssh (ssh:// or git@host:path), or a local file:// repository. */
        public enum Protocol { HTTP, SSH, FILE }

        public boolean hasToken() {
            return tokenEnv != null || tokenFile != null;
        }

        /** The url as it may be shown: any user part replaced by {@code ***} (the loader refuses passwords in it anyway). */
        public String shownUrl() {
            return Redaction.redact(url);
        }

        /**
         * The mirror's folder name in the git cache: recognisable (the url's host and path, as far as a file name
         * allows) and unique (a hash of the whole url, so two urls that read alike never share a mirror).
         */
        public String mirrorFolderName() {
            String readable = shownUrl().replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*://", "")
                    .replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[_.]+|_+$", "");
            if (readable.length() > MIRROR_NAME_LENGTH) {
                readable = readable.substring(readable.length() - MIRROR_NAME_LENGTH);
            }
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
                return readable + "-" + HexFormat.of().formatHex(hash, 0, 6);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
            }
        }
    }

    /**
     * A deployable service. In a monorepo it owns only some paths of its repo (globs such as
     * {@code services/payments-api/**}): its deployments deliver only the commits that change one of them.
     */
    public record Service(String name, String repo, List<String> paths) {
        public boolean ownsWholeRepo() {
            return paths.isEmpty();
        }

        /** True when one of the changed files is under the service's paths (always, for a whole-repo service). */
        public boolean owns(List<String> changedFiles) {
            if (ownsWholeRepo()) {
                return true;
            }
            List<PathMatcher> matchers = paths.stream().map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob)).toList();
            return changedFiles.stream().map(Path::of).anyMatch(file -> matchers.stream().anyMatch(m -> m.matches(file)));
        }
    }

    /** A team and the services it owns; a membership may hold only between two local dates. */
    public record Team(String name, List<Membership> memberships) {
        public List<String> serviceNames() {
            return memberships.stream().map(Membership::service).distinct().toList();
        }
    }

    /**
     * A team owns a service from {@code from} (inclusive) until {@code until} (exclusive), local dates in the
     * reporting time zone; null means unbounded. Events are counted for the team that owned the service that day.
     */
    public record Membership(String service, LocalDate from, LocalDate until) {}

    /** The name of the organisation-wide roll-up row in team_metrics (every service once); no team may take it. */
    public static final String ORGANISATION = "(organisation)";

    /** A file of deployment or incident records; {@code name} identifies it in raw zone and rejects. */
    public record FileSource(String name, Path file, FileFormat format) {}

    public enum FileFormat { JSONL, CSV }

    public record Sources(List<FileSource> deployments, List<FileSource> incidents, List<GitHubSource> github, List<GitLabSource> gitlab,
                          List<PagerDutySource> pagerduty, List<OpsgenieSource> opsgenie,
                          List<JenkinsSource> jenkins, List<FeedSource> feeds,
                          List<JiraSource> jira) {}

    /**
     * A GitHub (or GitHub Enterprise Server) API connection and the repositories read through it. The credential is
     * named, never held: a token ({@code tokenEnv} or {@code tokenFile}) or a GitHub App installation ({@code app}),
     * exactly one, read when collecting. Incremental listings ask from their watermark minus {@code overlap}.
     */
    public record GitHubSource(String name, URI baseUrl, String tokenEnv, Path tokenFile, GitHubApp app,
                               List<GitHubRepository> repositories, boolean deployments, boolean pullRequests, int pageSize,
                               Duration overlap) {
        /** How records of this source are labelled in the raw zone, deployments and rejects: {@code github:<name>}. */
        public String sourceName() {
            return "github:" + name;
        }
    }

    /** A GitHub App installation: its private key is named ({@code privateKeyFile} or {@code privateKeyEnv}), never held. */
    public record GitHubApp(long appId, long installationId, Path privateKeyFile, String privateKeyEnv) {}

    /**
     * A GitHub repository ({@code owner/name}) mapped to a configured repo and the service its deployments deploy
     * (or, in a monorepo, a service per environment), where its deployments come from, and which of its issues are
     * incidents (null: none).
     */
    public record GitHubRepository(String owner, String name, String repo, String service, DeploymentsFrom deploymentsFrom,
                                   List<EnvironmentMapping> environments, IncidentRule incidents) {
        public String fullName() {
            return owner + "/" + name;
        }

        /** The first environment mapping that matches the environment's name, if any. */
        public Optional<EnvironmentMapping> environment(String environment) {
            return environments.stream().filter(m -> m.environment().matcher(environment).find()).findFirst();
        }
    }

    /**
     * A GitLab (API v4, gitlab.com or self-managed) connection and the projects read through it. The token is named,
     * never held: {@code tokenEnv} or {@code tokenFile}, exactly one, read when collecting.
     *
     * @param pipelinesAsDeployments pipelines that count as deployments, or null (the default: none do)
     * @param incidents which issues are incidents, or null when incidents are not read
     * @param overlap how far before an incremental listing's watermark the next run asks from
     */
    public record GitLabSource(String name, URI baseUrl, String tokenEnv, Path tokenFile, List<GitLabProject> projects,
                               boolean deployments, PipelineDeployments pipelinesAsDeployments, boolean mergeRequests,
                               IncidentIssues incidents, int pageSize, Duration overlap) {
        /** How records of this source are labelled in the raw zone, deployments and rejects: {@code gitlab:<name>}. */
        public String sourceName() {
            return "gitlab:" + name;
        }
    }

    /**
     * A GitLab project, by path ({@code group/sub/project}) or numeric id, mapped to a configured repo; its deployments
     * deploy {@code service}, or, in a monorepo, the service its environment maps to.
     *
     * @param service the service of deployments whose environment no mapping names; null when every one must be mapped
     * @param environments environment name (or Java regex matching the whole name) to service, in config order
     */
    public record GitLabProject(String project, String repo, String service, List<EnvironmentService> environments) {}

    /** An environment name, or a regex over whole names, and the service deployments to it deploy. */
    public record EnvironmentService(String name, Pattern pattern, String service) {}

    /**
     * Which pipelines count as deployments, for projects that deploy without GitLab environments.
     *
     * @param ref the branch or tag whose pipelines deploy
     * @param source the pipeline source ({@code push}, {@code schedule}, {@code web}, …), or null for any
     * @param pipelineName the pipeline name ({@code workflow:name}), or null for any
     * @param environment the environment these deployments count for
     */
    public record PipelineDeployments(String ref, String source, String pipelineName, String environment) {}

    /** Which issues are incidents: of this issue type and carrying every one of these labels. */
    public record IncidentIssues(String issueType, List<String> labels) {}

    /**
     * A PagerDuty REST API v2 connection: the incidents of its services. The API key is named, never held
     * ({@code tokenEnv} or {@code tokenFile}, exactly one).
     *
     * @param urgencies the urgencies whose incidents count (high, low)
     * @param prioritySeverity a priority's name (P1…) to our severity; wins over the urgency's
     * @param urgencySeverity an urgency (high, low) to our severity
     * @param lookback how far back a first or full collect lists incidents (by creation)
     * @param overlap how far before the watermark an incremental collect lists again
     */
    public record PagerDutySource(String name, URI baseUrl, String tokenEnv, Path tokenFile, List<PagerDutyService> services,
                                  List<String> urgencies, Map<String, String> prioritySeverity, Map<String, String> urgencySeverity,
                                  Duration lookback, Duration overlap, int pageSize) {
        /** How records of this source are labelled in the raw zone, incidents and rejects: {@code pagerduty:<name>}. */
        public String sourceName() {
            return "pagerduty:" + name;
        }
    }

    /** A PagerDuty service (its id, such as PIJ90N7) and the configured service its incidents are of (null: none, flagged). */
    public record PagerDutyService(String id, String service) {}

    /**
     * An Opsgenie connection: its incidents or its alerts that match a search query, mapped onto services by their
     * impacted services, tags and teams. The API key is named, never held.
     *
     * @param services an Opsgenie service (id or name) or tag to our service
     * @param teams an Opsgenie team (id or name) to our team, whose services the record is then of
     * @param prioritySeverity a priority (P1…P5) to our severity
     */
    public record OpsgenieSource(String name, URI baseUrl, String tokenEnv, Path tokenFile, OpsgenieKind kind, String query,
                                 Map<String, String> services, Map<String, String> teams, Map<String, String> prioritySeverity,
                                 Duration lookback, Duration overlap, int pageSize) {
        /** How records of this source are labelled in the raw zone, incidents and rejects: {@code opsgenie:<name>}. */
        public String sourceName() {
            return "opsgenie:" + name;
        }
    }

    /** What an Opsgenie source reads: incidents (Incident API, {@code /v1/incidents}) or alerts ({@code /v2/alerts}). */
    public enum OpsgenieKind { INCIDENTS, ALERTS }

    /**
     * Where a repository's deployments come from: the Deployments API, Actions workflow runs, releases; any of them.
     *
     * @param workflowRuns null when runs are no deployments
     * @param releases null when releases are no deployments
     */
    public record DeploymentsFrom(boolean deploymentsApi, WorkflowRuns workflowRuns, Releases releases) {
        public static final DeploymentsFrom DEPLOYMENTS_API = new DeploymentsFrom(true, null, null);
    }

    /**
     * The Actions runs that are deployments: of the workflow whose name or path matches, on the branch (null: any),
     * deploying to the environment named.
     */
    public record WorkflowRuns(Pattern workflow, String branch, String environment) {}

    /** Published releases as deployments to an environment; prereleases only when asked. */
    public record Releases(boolean prereleases, String environment) {}

    /**
     * A deployment environment (name matched by {@code environment}) deploying {@code service}; whether it is
     * production is {@code production}, or {@code rules.production_environment} when null.
     */
    public record EnvironmentMapping(Pattern environment, String service, Boolean production) {}

    /**
     * Which issues are incidents: one carrying any of {@code labels} (case-insensitive), or whose title matches
     * {@code title} (null: none by title). Severity is the first label matching {@code severity} (its first group when
     * it has one); services are the repository's, or those {@code serviceLabels} maps the issue's labels to.
     */
    public record IncidentRule(List<String> labels, Pattern title, Pattern severity, Map<String, String> serviceLabels) {}

    /**
     * A Jenkins server and the jobs whose builds are deployments. The user is named in the config; the API token is
     * named, never held: {@code tokenEnv} or {@code tokenFile}, exactly one, read when collecting.
     */
    public record JenkinsSource(String name, URI baseUrl, String user, String tokenEnv, Path tokenFile, List<JenkinsJob> jobs,
                                int pageSize) {
        /** How records of this source are labelled in the raw zone, deployments and rejects: {@code jenkins:<name>}. */
        public String sourceName() {
            return "jenkins:" + name;
        }

        /** Whether a job entry selects jobs by regex, so the server's job tree must be listed. */
        public boolean listsJobs() {
            return jobs.stream().anyMatch(job -> job.regex() != null);
        }

        /** The first entry that selects a job by its full name ({@code folder/job}), if any. */
        public Optional<JenkinsJob> entryFor(String fullName) {
            return jobs.stream().filter(job -> job.selects(fullName)).findFirst();
        }
    }

    /**
     * Which Jenkins jobs deploy which service, and how a build says where to: a job by its full name
     * ({@code folder/job}) or by a regex over full names (exactly one); the environment as a fixed value or a build
     * parameter (exactly one); the git remote whose checkout is the deployed revision, when a build checks out several
     * repositories; and, for pipelines whose deployment is one stage, a regex over stage names.
     */
    public record JenkinsJob(String name, Pattern regex, String service, String environment, String environmentParameter,
                             Pattern repoUrl, Pattern stage) {
        public boolean selects(String fullName) {
            return name != null ? name.equals(fullName) : regex.matcher(fullName).matches();
        }
    }

    /** What the documents of a feed folder are. */
    public enum FeedKind { DEPLOYMENTS, INCIDENTS }

    /**
     * A folder of JSON documents, one deployment or incident each, in the shape of the file formats, picked up
     * incrementally. The folder is a local path or a Hadoop file system URI.
     */
    public record FeedSource(String name, String folder, FeedKind kind) {
        /** How records of this source are labelled in the raw zone, deployments, incidents and rejects: {@code feed:<name>}. */
        public String sourceName() {
            return "feed:" + name;
        }
    }

    /**
     * A Jira site read for incidents: the issues its JQL search finds, those of the incident rules becoming incidents.
     * The credential is named, never held ({@code tokenEnv} or {@code tokenFile}); Cloud adds the account's email.
     *
     * @param jql the search without ORDER BY: the configured one, or the one the incident rules and projects give
     * @param incidentTypes issue types (ids or names, any language) whose issues are incidents; "*" for every issue found
     * @param bugTypes issue types whose issues are incidents at one of {@code bugPriorities}
     * @param service where an issue names the services it affects
     * @param deploymentField the field (id or name) holding the causing deployment's id, or null
     * @param severities priority id or name to severity; a priority not in it gives its own name
     * @param overlap how far before the watermark an incremental search asks from
     */
    public record JiraSource(String name, URI baseUrl, JiraDeployment deployment, String email, String tokenEnv, Path tokenFile,
                             String jql, List<String> incidentTypes, List<String> bugTypes, List<String> bugPriorities,
                             JiraService service, String deploymentField, Map<String, String> severities, Duration overlap, int pageSize) {
        /** How records of this source are labelled in the raw zone, incidents and rejects: {@code jira:<name>}. */
        public String sourceName() {
            return "jira:" + name;
        }
    }

    /** Jira Cloud (email and API token, REST v3 search) or Data Center (personal access token, REST v2 search). */
    public enum JiraDeployment { CLOUD, DATA_CENTER }

    /**
     * Where a Jira issue names the services it affects: {@code components}, {@code labels} (those starting with
     * {@code labelPrefix}, which is cut off) or a field by id or name; each value mapped through {@code map}, or taken
     * as is when it is a service's name.
     */
    public record JiraService(String from, String labelPrefix, Map<String, String> map) {
        public static final String COMPONENTS = "components";
        public static final String LABELS = "labels";
    }

    /** Which commit time starts a change's lead time (DORA.md §1). */
    public enum ChangeStart { AUTHOR_TIME, COMMITTER_TIME, PR_FIRST_COMMIT, PR_MERGED }

    public record Rules(
            Pattern productionEnvironment,
            Pattern hotfix,
            Duration attributionWindow,
            Duration baselineLookback,
            ChangeStart changeStart,
            double maxRejectRatio) {}

    /**
     * What {@code dora alerts} watches and whom it tells (see the README's Alerts); without an {@code alerts} section,
     * the defaults and no route. Secrets are named, never held.
     *
     * @param windowWeeks weeks of history before the current week that the medians and MADs are taken over
     * @param minHistoryWeeks weeks of history (since the first production deployment, or the source's first record)
     *                        a team, service or source needs before a rule judges it
     * @param sensitivity k in {@code median + k x 1.4826 x MAD}
     * @param teamLink where a team's numbers are, with {team} and {as_of} placeholders; null: the workbook is named
     */
    public record Alerts(int windowWeeks, int minHistoryWeeks, Set<DayOfWeek> workingDays,
                         double sensitivity, SilenceRule deploySilence, SilenceRule sourceSilence, RateRule changeFailureRate,
                         RateRule leadTime, AbsoluteRules absolute, String teamLink, Webhook webhook, Email email,
                         List<Route> routes, int attempts, Duration backoff, boolean dryRun) {

        /** The route of a team's findings: its own, else the {@code "*"} route; sources' findings take the {@code "*"} route. */
        public Optional<Route> route(String team) {
            return routes.stream().filter(r -> r.team().equals(team)).findFirst()
                    .or(() -> routes.stream().filter(r -> r.team().equals(Route.ANY_TEAM)).findFirst());
        }
    }

    /** A silence rule: it never fires below {@code minDays} working days of silence, whatever the history says. */
    public record SilenceRule(boolean enabled, int minDays) {}

    /**
     * A rule on a rate or a duration: judged when the current week has {@code minSamples} events or more, it fires above
     * {@code median + max(k x 1.4826 x MAD, minRise)} (change failure rate: minRise in rate points; lead time: a share of the median).
     */
    public record RateRule(boolean enabled, int minSamples, double minRise) {}

    /** Fixed limits, judged without history; null when not set. */
    public record AbsoluteRules(Integer noProductionDeployWorkingDays, Double changeFailureRateAbove, int minDeployments) {}

    /** A Slack-compatible incoming webhook; its URL is a secret (it alone lets anyone post), read from the variable or file. */
    public record Webhook(String urlEnv, Path urlFile) {}

    /**
     * An SMTP server; the password is read from the variable or file; {@code starttls} requires it before signing in.
     *
     * @param caFile PEM certificates the server's certificate must chain to, for a server signed by a private CA
     *               (null: the JVM's trusted ones)
     */
    public record Email(String host, int port, boolean starttls, Path caFile, String from, String user, String passwordEnv, Path passwordFile) {}

    /** Where one team's findings go: a webhook channel (null: the webhook's own), e-mail addresses (may be empty). */
    public record Route(String team, String channel, List<String> email) {
        public static final String ANY_TEAM = "*";
    }

    public Optional<Service> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<Repo> repo(String name) {
        return repos.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
