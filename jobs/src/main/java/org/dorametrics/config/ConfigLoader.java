package org.dorametrics.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.dorametrics.benchmark.BenchmarkEdition;
import org.dorametrics.config.DoraConfig.AbsoluteRules;
import org.dorametrics.config.DoraConfig.Alerts;
import org.dorametrics.config.DoraConfig.ChangeStart;
import org.dorametrics.config.DoraConfig.Email;
import org.dorametrics.config.DoraConfig.RateRule;
import org.dorametrics.config.DoraConfig.Route;
import org.dorametrics.config.DoraConfig.SilenceRule;
import org.dorametrics.config.DoraConfig.Webhook;
import org.dorametrics.config.DoraConfig.FileFormat;
import org.dorametrics.config.DoraConfig.FeedKind;
import org.dorametrics.config.DoraConfig.FeedSource;
import org.dorametrics.config.DoraConfig.FileSource;
import org.dorametrics.config.DoraConfig.DeploymentsFrom;
import org.dorametrics.config.DoraConfig.EnvironmentMapping;
import org.dorametrics.config.DoraConfig.GitHubApp;
import org.dorametrics.config.DoraConfig.GitHubRepository;
import org.dorametrics.config.DoraConfig.IncidentRule;
import org.dorametrics.config.DoraConfig.Releases;
import org.dorametrics.config.DoraConfig.WorkflowRuns;
import org.dorametrics.config.DoraConfig.GitHubSource;
import org.dorametrics.config.DoraConfig.EnvironmentService;
import org.dorametrics.config.DoraConfig.GitLabProject;
import org.dorametrics.config.DoraConfig.GitLabSource;
import org.dorametrics.config.DoraConfig.IncidentIssues;
import org.dorametrics.config.DoraConfig.PipelineDeployments;
import org.dorametrics.config.DoraConfig.JenkinsJob;
import org.dorametrics.config.DoraConfig.JenkinsSource;
import org.dorametrics.config.DoraConfig.JiraDeployment;
import org.dorametrics.config.DoraConfig.JiraService;
import org.dorametrics.config.DoraConfig.JiraSource;
import org.dorametrics.config.DoraConfig.Membership;
import org.dorametrics.config.DoraConfig.Remote;
import org.dorametrics.config.DoraConfig.Remote.Protocol;
import org.dorametrics.config.DoraConfig.OpsgenieKind;
import org.dorametrics.config.DoraConfig.OpsgenieSource;
import org.dorametrics.config.DoraConfig.PagerDutyService;
import org.dorametrics.config.DoraConfig.PagerDutySource;
import org.dorametrics.config.DoraConfig.Repo;
import org.dorametrics.config.DoraConfig.Reporting;
import org.dorametrics.config.DoraConfig.Rules;
import org.dorametrics.config.DoraConfig.Service;
import org.dorametrics.config.DoraConfig.Sources;
import org.dorametrics.config.DoraConfig.Team;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.Redaction;

/**
 * Reads a YAML config into a {@link DoraConfig}. Every problem stops the load with the key path and what is
 * expected; unknown keys are errors so that a typo never passes silently.
 */
public final class ConfigLoader {
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d|w)");
    private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*");
    private static final Pattern GITHUB_REPOSITORY = Pattern.compile("([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+)");
    /** A GitLab project path (group/sub/project, any depth) or a numeric project id. */
    private static final Pattern GITLAB_PROJECT = Pattern.compile("\\d+|[A-Za-z0-9_.][A-Za-z0-9_.-]*(/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** git's short ssh form, {@code [user@]host:path}, as in {@code git@github.com:acme/payments.git}. */
    private static final Pattern SCP_LIKE_URL = Pattern.compile("(?:([^@/\\s]+)@)?([A-Za-z0-9.-]+):([^\\s]+)");
    /** Beside the config, as every relative path in it: see the README's Configuration for why. */
    private static final String DEFAULT_GIT_CACHE = ".dora-git-cache";
    private static final Pattern PAGERDUTY_ID = Pattern.compile("[A-Z0-9]{2,20}");
    private static final List<String> PAGERDUTY_URGENCIES = List.of("high", "low");
    private static final List<String> OPSGENIE_PRIORITIES = List.of("P1", "P2", "P3", "P4", "P5");
    private static final Pattern JIRA_PROJECT_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern ORDER_BY = Pattern.compile("(?i)\\border\\s+by\\b");

    private final Function<String, String> environment;

    public ConfigLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    public static DoraConfig load(Path configFile) {
        return new ConfigLoader(System::getenv).read(configFile);
    }

    public DoraConfig read(Path configFile) {
        Path file = configFile.toAbsolutePath().normalize();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw DoraException.config(file.toString(), "cannot read the config file (" + e + ")");
        }
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw DoraException.config(file.toString(), "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : ""));
        } catch (IOException e) {
            throw DoraException.config(file.toString(), "cannot read the config file (" + e + ")");
        }
        if (root == null || !root.isObject()) {
            throw DoraException.config("(top level)", "expected a mapping with keys repos, services, teams");
        }
        return new Parser(file.getParent()).parse(new Node("", root), digest(bytes), file);
    }

    private static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Where a token is read from: the name of an environment variable or a file, or neither. */
    private record TokenNames(String env, Path file) {
        boolean present() {
            return env != null || file != null;
        }
    }

    private static boolean isLoopback(String host) {
        return host != null && (host.equalsIgnoreCase("localhost") || host.equals("::1") || host.equals("[::1]") || host.startsWith("127."));
    }

    /** A YAML node with the key path that reached it, so every error names where it is. */
    private record Node(String path, JsonNode value) {
        String child(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    private final class Parser {
        private final Path baseDirectory;

        Parser(Path baseDirectory) {
            this.baseDirectory = baseDirectory;
        }

        DoraConfig parse(Node root, String digest, Path file) {
            allowOnly(root, "output", "reporting", "git_cache", "repos", "services", "teams", "sources", "rules", "alerts");
            String output = location(optionalString(root, "output", "./dora-out"));
            Reporting reporting = reporting(optionalObject(root, "reporting"));
            Path gitCache = gitCache(root);
            List<Repo> repos = repos(requiredList(root, "repos"), gitCache);
            List<Service> services = services(requiredList(root, "services"), repos);
            List<Team> teams = teams(requiredList(root, "teams"), services);
            Sources sources = sources(optionalObject(root, "sources"), repos, services, teams);
            Rules rules = rules(optionalObject(root, "rules"));
            Alerts alerts = alerts(root, teams);
            return new DoraConfig(file, digest, output, reporting, repos, services, teams, sources, rules, alerts);
        }

        private Reporting reporting(Node node) {
            allowOnly(node, "timezone", "week_start", "benchmark", "trailing_weeks", "min_samples", "recompute_weeks");
            String zoneText = optionalString(node, "timezone", "UTC");
            ZoneId zone;
            try {
                zone = ZoneId.of(zoneText);
            } catch (DateTimeException e) {
                throw DoraException.config(node.child("timezone"),
                        "expected an IANA time zone such as UTC or Europe/Berlin, got '" + zoneText + "'");
            }
            String weekStartText = optionalString(node, "week_start", "MONDAY");
            DayOfWeek weekStart;
            try {
                weekStart = DayOfWeek.valueOf(weekStartText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw DoraException.config(node.child("week_start"),
                        "expected a day name (MONDAY .. SUNDAY), got '" + weekStartText + "'");
            }
            String benchmark = optionalString(node, "benchmark", "2024");
            if (!BenchmarkEdition.available().contains(benchmark)) {
                throw DoraException.config(node.child("benchmark"),
                        "expected one of " + BenchmarkEdition.available() + ", got '" + benchmark + "'");
            }
            int trailingWeeks = optionalInt(node, "trailing_weeks", 12, 4, 104);
            int minSamples = optionalInt(node, "min_samples", 5, 1, 1000);
            int recomputeWeeks = optionalInt(node, "recompute_weeks", 8, 1, 520);
            return new Reporting(zone, weekStart, benchmark, trailingWeeks, minSamples, recomputeWeeks);
        }

        /**
         * Where the mirrors of url repos are kept: a local folder, because JGit reads and writes repositories through
         * the file system. The default sits beside the config, like every relative path in it.
         */
        private Path gitCache(Node root) {
            String written = optionalString(root, "git_cache", DEFAULT_GIT_CACHE);
            if (URI_SCHEME.matcher(written).matches()) {
                throw DoraException.config(root.child("git_cache"),
                        "expected a local folder (git mirrors live on a local file system), got '" + Redaction.redact(written) + "'");
            }
            return resolve(written);
        }

        private List<Repo> repos(List<Node> items, Path gitCache) {
            List<Repo> repos = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (Node item : items) {
                allowOnly(item, "name", "path", "url", "credentials", "branches");
                String name = uniqueName(item, names);
                List<String> branches = optionalStringList(item, "branches", List.of("main"));
                if (branches.isEmpty()) {
                    throw DoraException.config(item.child("branches"), "expected at least one branch name");
                }
                boolean hasPath = item.value().hasNonNull("path");
                if (hasPath == item.value().hasNonNull("url")) {
                    throw DoraException.config(item.path(), "expected exactly one of path (a local working copy or bare repository) "
                            + "or url (a remote repository, mirrored into git_cache)");
                }
                if (hasPath) {
                    if (item.value().has("credentials")) {
                        throw DoraException.config(item.child("credentials"), "credentials go with a url; a path is read as it is");
                    }
                    repos.add(new Repo(name, resolve(requiredString(item, "path")), branches));
                } else {
                    Remote remote = remote(item);
                    repos.add(new Repo(name, gitCache.resolve(remote.mirrorFolderName()), branches, remote));
                }
            }
            return List.copyOf(repos);
        }

        /** An https://, http://, ssh://, git@host:path or file:// url, and the credentials its kind takes. */
        private Remote remote(Node item) {
            String url = requiredString(item, "url").strip();
            String key = item.child("url");
            Protocol protocol = protocol(key, url);
            Node credentials = optionalObject(item, "credentials");
            allowOnly(credentials, "username", "token_env", "token_file", "ssh_key_file", "known_hosts_file");
            TokenNames token = tokenNames(credentials, false, "GIT_TOKEN");
            String username = optionalString(credentials, "username", null);
            String sshKeyFile = optionalString(credentials, "ssh_key_file", null);
            String knownHostsFile = optionalString(credentials, "known_hosts_file", null);
            switch (protocol) {
                case HTTP -> {
                    if (sshKeyFile != null || knownHostsFile != null) {
                        throw DoraException.config(credentials.child(sshKeyFile != null ? "ssh_key_file" : "known_hosts_file"),
                                "is for ssh urls; over http(s) name a token with token_env or token_file");
                    }
                    if (token.present() && (username == null || username.isBlank())) {
                        throw DoraException.config(credentials.child("username"), "expected the user name the token signs in as "
                                + "(x-access-token for GitHub; any non-empty name for GitLab)");
                    }
                    if (!token.present() && username != null) {
                        throw DoraException.config(credentials.path(),
                                "expected token_env or token_file with username (the token is the password)");
                    }
                    if (token.present() && url.regionMatches(true, 0, "http://", 0, 7) && !isLoopback(URI.create(url).getHost())) {
                        throw DoraException.config(key, "a token travels in clear text over http://; expected an https:// url "
                                + "(http:// with credentials is allowed to localhost only)");
                    }
                }
                case SSH -> {
                    if (token.present() || username != null) {
                        throw DoraException.config(credentials.child(username != null ? "username" : token.env() != null ? "token_env" : "token_file"),
                                "is for https urls; over ssh name the key with ssh_key_file (the user is the url's, as in git@host:path)");
                    }
                }
                case FILE -> {
                    if (!credentials.value().isEmpty()) {
                        throw DoraException.config(credentials.path(), "a file:// url takes no credentials");
                    }
                }
            }
            return new Remote(url, protocol, username, token.env(), token.file(),
                    sshKeyFile == null ? null : resolve(sshKeyFile), knownHostsFile == null ? null : resolve(knownHostsFile));
        }

        /** How the url is fetched; a url with a password, or anything else, is refused without showing the password. */
        private Protocol protocol(String key, String url) {
            String expected = "expected an https://, ssh:// or file:// url, or git@host:path, got '" + Redaction.redact(url) + "'";
            Matcher scpLike = SCP_LIKE_URL.matcher(url);
            if (!url.contains("://")) {
                if (!scpLike.matches()) {
                    throw DoraException.config(key, expected);
                }
                if (scpLike.group(1) != null && scpLike.group(1).contains(":")) {
                    throw DoraException.config(key, "a password does not belong in the url; name the key with credentials.ssh_key_file");
                }
                return Protocol.SSH;
            }
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw DoraException.config(key, expected);
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                // Not echoed: a query is where a token would hide.
                throw DoraException.config(key, "expected a url without ?query or #fragment (the url is not shown)");
            }
            String userInfo = uri.getRawUserInfo();
            switch (scheme) {
                case "https", "http" -> {
                    if (uri.getHost() == null) {
                        throw DoraException.config(key, expected);
                    }
                    if (userInfo != null) {
                        throw DoraException.config(key, "credentials do not belong in the url ('" + Redaction.redact(url)
                                + "'); name a token with credentials.token_env or credentials.token_file");
                    }
                    return Protocol.HTTP;
                }
                case "ssh" -> {
                    if (uri.getHost() == null) {
                        throw DoraException.config(key, expected);
                    }
                    if (userInfo != null && userInfo.contains(":")) {
                        throw DoraException.config(key, "a password does not belong in the url ('" + Redaction.redact(url)
                                + "'); name the key with credentials.ssh_key_file");
                    }
                    return Protocol.SSH;
                }
                case "file" -> {
                    return Protocol.FILE;
                }
                default -> throw DoraException.config(key, expected);
            }
        }

        private List<Service> services(List<Node> items, List<Repo> repos) {
            List<Service> services = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Set<String> repoNames = new HashSet<>(repos.stream().map(Repo::name).toList());
            for (Node item : items) {
                allowOnly(item, "name", "repo", "paths");
                String name = uniqueName(item, names);
                String repo = requiredString(item, "repo");
                if (!repoNames.contains(repo)) {
                    throw DoraException.config(item.child("repo"),
                            "expected the name of one of repos " + repoNames.stream().sorted().toList() + ", got '" + repo + "'");
                }
                List<String> paths = optionalStringList(item, "paths", List.of());
                for (int i = 0; i < paths.size(); i++) {
                    try {
                        FileSystems.getDefault().getPathMatcher("glob:" + paths.get(i));
                    } catch (IllegalArgumentException e) {
                        throw DoraException.config(item.child("paths") + "[" + i + "]",
                                "expected a glob such as services/api/** , got '" + paths.get(i) + "' (" + e.getMessage() + ")");
                    }
                }
                services.add(new Service(name, repo, paths));
            }
            return List.copyOf(services);
        }

        private List<Team> teams(List<Node> items, List<Service> services) {
            List<Team> teams = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Set<String> serviceNames = new HashSet<>(services.stream().map(Service::name).toList());
            for (Node item : items) {
                allowOnly(item, "name", "services");
                String name = uniqueName(item, names);
                if (name.equals(DoraConfig.ORGANISATION)) {
                    throw DoraException.config(item.child("name"), "'" + name + "' is the name of the organisation roll-up row; choose another");
                }
                JsonNode owned = item.value().get("services");
                if (owned == null || owned.isNull() || !owned.isArray() || owned.isEmpty()) {
                    throw DoraException.config(item.child("services"), "expected a list of at least one service name");
                }
                List<Membership> memberships = new ArrayList<>();
                for (Node entry : list(new Node(item.child("services"), owned))) {
                    Membership membership = membership(entry, serviceNames);
                    for (int earlier = 0; earlier < memberships.size(); earlier++) {
                        if (overlap(memberships.get(earlier), membership)) {
                            throw DoraException.config(entry.path(), "expected " + membership.service() + " in this team once at"
                                    + " any date, but this membership (" + span(membership) + ") overlaps services[" + earlier
                                    + "] (" + span(memberships.get(earlier)) + "): its deployments would count twice");
                        }
                    }
                    memberships.add(membership);
                }
                teams.add(new Team(name, List.copyOf(memberships)));
            }
            return List.copyOf(teams);
        }

        /** Whether two memberships hold the same service on some day. */
        private static boolean overlap(Membership a, Membership b) {
            return a.service().equals(b.service())
                    && (a.from() == null || b.until() == null || a.from().isBefore(b.until()))
                    && (b.from() == null || a.until() == null || b.from().isBefore(a.until()));
        }

        /** A membership's dates in words. */
        private static String span(Membership membership) {
            if (membership.from() == null && membership.until() == null) {
                return "at every date";
            }
            return ((membership.from() == null ? "" : "from " + membership.from() + " ")
                    + (membership.until() == null ? "" : "until " + membership.until())).strip();
        }

        /** `payments-api`, or `{name: payments-api, from: 2026-03-01, until: 2026-06-01}` for an ownership that changes. */
        private Membership membership(Node entry, Set<String> serviceNames) {
            String service;
            LocalDate from = null;
            LocalDate until = null;
            if (entry.value().isObject()) {
                allowOnly(entry, "name", "from", "until");
                service = requiredString(entry, "name");
                from = optionalDate(entry, "from");
                until = optionalDate(entry, "until");
                if (from != null && until != null && !until.isAfter(from)) {
                    throw DoraException.config(entry.child("until"), "expected a date after from (" + from + "), got " + until);
                }
            } else {
                service = scalar(entry.path(), entry.value());
            }
            if (!serviceNames.contains(service)) {
                throw DoraException.config(entry.path(),
                        "expected names of services " + serviceNames.stream().sorted().toList() + ", got '" + service + "'");
            }
            return new Membership(service, from, until);
        }

        private LocalDate optionalDate(Node parent, String key) {
            String text = optionalString(parent, key, null);
            if (text == null) {
                return null;
            }
            try {
                return LocalDate.parse(text.trim());
            } catch (DateTimeException e) {
                throw DoraException.config(parent.child(key), "expected a date as yyyy-mm-dd, got '" + text + "'");
            }
        }

        private Sources sources(Node node, List<Repo> repos, List<Service> services, List<Team> teams) {
            allowOnly(node, "deployments", "incidents", "github", "gitlab", "pagerduty", "opsgenie", "jenkins", "feeds", "jira");
            return new Sources(fileSources(node, "deployments"), fileSources(node, "incidents"), githubSources(node, repos, services),
                    gitlabSources(node, repos, services), pagerdutySources(node, services), opsgenieSources(node, services, teams),
                    jenkinsSources(node, services), feedSources(node), jiraSources(node, services));
        }

        private List<JenkinsSource> jenkinsSources(Node parent, List<Service> services) {
            if (!parent.value().has("jenkins")) {
                return List.of();
            }
            List<JenkinsSource> sources = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (Node item : list(new Node(parent.child("jenkins"), parent.value().get("jenkins")))) {
                requireObject(item);
                allowOnly(item, "name", "base_url", "user", "token_env", "token_file", "jobs", "page_size");
                String name = optionalString(item, "name", "jenkins");
                if (name.isBlank()) {
                    throw DoraException.config(item.child("name"), "expected a non-empty name");
                }
                if (!names.add(name)) {
                    throw DoraException.config(item.child("name"), "'" + name + "' is defined twice; give each jenkins source its own name");
                }
                URI baseUrl = apiUrl(item, null, "https://jenkins.example.com");
                String user = requiredString(item, "user").strip();
                if (user.isEmpty()) {
                    throw DoraException.config(item.child("user"), "expected the Jenkins user the API token belongs to");
                }
                TokenNames token = tokenNames(item, true, "JENKINS_TOKEN");
                List<JenkinsJob> jobs = new ArrayList<>();
                for (Node job : requiredList(item, "jobs")) {
                    jobs.add(jenkinsJob(job, services));
                }
                int pageSize = optionalInt(item, "page_size", 100, 1, 1000);
                sources.add(new JenkinsSource(name, baseUrl, user, token.env(), token.file(),
                        List.copyOf(jobs), pageSize));
            }
            return List.copyOf(sources);
        }

        /** {name: folder/job | regex: "...", service, environment: production | environment_parameter: DEPLOY_ENV, repo_url, stage}. */
        private JenkinsJob jenkinsJob(Node item, List<Service> services) {
            requireObject(item);
            allowOnly(item, "name", "regex", "service", "environment", "environment_parameter", "repo_url", "stage");
            String name = optionalString(item, "name", null);
            Pattern regex = optionalRegex(item, "regex");
            if ((name == null) == (regex == null)) {
                throw DoraException.config(item.path(), "expected exactly one of name (a job's full name, such as payments/deploy)"
                        + " or regex (a Java regular expression over full names)");
            }
            if (name != null && (name.isBlank() || name.startsWith("/") || name.endsWith("/") || name.contains("//"))) {
                throw DoraException.config(item.child("name"), "expected a job's full name such as deploy or payments/deploy, got '" + name + "'");
            }
            String service = requiredString(item, "service");
            List<String> serviceNames = services.stream().map(Service::name).sorted().toList();
            if (!serviceNames.contains(service)) {
                throw DoraException.config(item.child("service"), "expected one of services " + serviceNames + ", got '" + service + "'");
            }
            String environment = optionalString(item, "environment", null);
            String environmentParameter = optionalString(item, "environment_parameter", null);
            if (environment != null && environmentParameter != null) {
                throw DoraException.config(item.path(),
                        "expected at most one of environment (a fixed value) or environment_parameter (the build parameter naming it)");
            }
            if (environment == null && environmentParameter == null) {
                environment = "production";
            }
            if (environment != null && environment.isBlank() || environmentParameter != null && environmentParameter.isBlank()) {
                throw DoraException.config(item.child(environment != null ? "environment" : "environment_parameter"), "expected a non-empty value");
            }
            Pattern repoUrl = optionalRegex(item, "repo_url");
            Pattern stage = optionalRegex(item, "stage");
            return new JenkinsJob(name, regex, service, environment, environmentParameter, repoUrl, stage);
        }

        /** {name: deploys, folder: /srv/dora/feeds/deploys, kind: deployments | incidents}. */
        private List<FeedSource> feedSources(Node parent) {
            if (!parent.value().has("feeds")) {
                return List.of();
            }
            List<FeedSource> sources = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Set<String> folders = new HashSet<>();
            for (Node item : list(new Node(parent.child("feeds"), parent.value().get("feeds")))) {
                allowOnly(item, "name", "folder", "kind");
                String name = uniqueName(item, names);
                String folder = location(requiredString(item, "folder"));
                if (!folders.add(folder)) {
                    throw DoraException.config(item.child("folder"), "folder " + Redaction.redact(folder) + " is already another feed's");
                }
                String kindText = requiredString(item, "kind");
                FeedKind kind = switch (kindText) {
                    case "deployments" -> FeedKind.DEPLOYMENTS;
                    case "incidents" -> FeedKind.INCIDENTS;
                    default -> throw DoraException.config(item.child("kind"), "expected deployments or incidents, got '" + kindText + "'");
                };
                sources.add(new FeedSource(name, folder, kind));
            }
            return List.copyOf(sources);
        }

        private List<GitHubSource> githubSources(Node parent, List<Repo> repos, List<Service> services) {
            if (!parent.value().has("github")) {
                return List.of();
            }
            List<GitHubSource> sources = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Map<String, String> mappedRepos = new HashMap<>();
            for (Node item : list(new Node(parent.child("github"), parent.value().get("github")))) {
                requireObject(item);
                allowOnly(item, "name", "base_url", "token_env", "token_file", "app", "repositories", "deployments", "pull_requests",
                        "page_size", "overlap", "deployments_from", "incidents");
                String name = optionalString(item, "name", "github");
                if (name.isBlank()) {
                    throw DoraException.config(item.child("name"), "expected a non-empty name");
                }
                if (!names.add(name)) {
                    throw DoraException.config(item.child("name"), "'" + name + "' is defined twice; give each github source its own name");
                }
                URI baseUrl = baseUrl(item);
                String tokenEnv = optionalString(item, "token_env", null);
                String tokenFile = optionalString(item, "token_file", null);
                GitHubApp app = item.value().hasNonNull("app") ? githubApp(optionalObject(item, "app")) : null;
                if ((tokenEnv != null ? 1 : 0) + (tokenFile != null ? 1 : 0) + (app != null ? 1 : 0) != 1) {
                    throw DoraException.config(item.path(), "expected exactly one of token_env (the environment variable holding the token),"
                            + " token_file (a file holding it) or app (a GitHub App installation)");
                }
                requireEnvironmentName(item, "token_env", tokenEnv, "GITHUB_TOKEN");
                boolean deployments = optionalBoolean(item, "deployments", true);
                boolean pullRequests = optionalBoolean(item, "pull_requests", true);
                int pageSize = optionalInt(item, "page_size", 100, 1, 100);
                Duration overlap = duration(item, "overlap", "1d");
                DeploymentsFrom deploymentsFrom = item.value().hasNonNull("deployments_from")
                        ? deploymentsFrom(optionalObject(item, "deployments_from")) : DeploymentsFrom.DEPLOYMENTS_API;
                IncidentRule incidents = item.value().hasNonNull("incidents") ? incidentRule(optionalObject(item, "incidents"), services) : null;
                List<GitHubRepository> repositories = githubRepositories(requiredList(item, "repositories"), repos, services, deployments,
                        mappedRepos, deploymentsFrom, incidents);
                sources.add(new GitHubSource(name, baseUrl, tokenEnv, tokenFile == null ? null : resolve(tokenFile), app, repositories,
                        deployments, pullRequests, pageSize, overlap));
            }
            return List.copyOf(sources);
        }

        /**
         * The token_env or token_file of a mapping: at most one, or exactly one when {@code required}. An env name that
         * is not one is refused without being echoed: a token pasted there by mistake must not reach the log.
         */
        private TokenNames tokenNames(Node node, boolean required, String exampleVariable) {
            String tokenEnv = optionalString(node, "token_env", null);
            String tokenFile = optionalString(node, "token_file", null);
            if (tokenEnv != null && tokenFile != null || required && tokenEnv == null && tokenFile == null) {
                throw DoraException.config(node.path(),
                        "expected exactly one of token_env (the environment variable holding the token) or token_file (a file holding it)");
            }
            requireEnvironmentName(node, "token_env", tokenEnv, exampleVariable);
            return new TokenNames(tokenEnv, tokenFile == null ? null : resolve(tokenFile));
        }

        private void requireEnvironmentName(Node item, String key, String value, String example) {
            if (value != null && !ENV_NAME.matcher(value).matches()) {
                // The value is not echoed: a secret pasted here by mistake must not reach the log.
                throw DoraException.config(item.child(key), "expected the name of an environment variable such as " + example
                        + " (letters, digits and _; the value is not shown)");
            }
        }

        /** {app_id: 123, installation_id: 456, private_key_file: app.pem} or private_key_env instead of the file. */
        private GitHubApp githubApp(Node node) {
            allowOnly(node, "app_id", "installation_id", "private_key_file", "private_key_env");
            int appId = optionalInt(node, "app_id", 0, 1, Integer.MAX_VALUE);
            int installationId = optionalInt(node, "installation_id", 0, 1, Integer.MAX_VALUE);
            if (appId == 0 || installationId == 0) {
                throw DoraException.config(node.child(appId == 0 ? "app_id" : "installation_id"), "required key is missing; expected a whole number"
                        + " (the App's settings page shows its App ID; the installation id ends the URL of its configuration page)");
            }
            String keyFile = optionalString(node, "private_key_file", null);
            String keyEnv = optionalString(node, "private_key_env", null);
            if ((keyFile == null) == (keyEnv == null)) {
                throw DoraException.config(node.path(), "expected exactly one of private_key_file (the App's .pem file) or private_key_env"
                        + " (the environment variable holding it)");
            }
            requireEnvironmentName(node, "private_key_env", keyEnv, "GITHUB_APP_KEY");
            return new GitHubApp(appId, installationId, keyFile == null ? null : resolve(keyFile), keyEnv);
        }

        /**
         * {deployments_api: true, workflow_runs: {workflow: Deploy, branch: main, environment: production},
         * releases: {prereleases: false, environment: production}}: any of them; the Deployments API only when said.
         */
        private DeploymentsFrom deploymentsFrom(Node node) {
            allowOnly(node, "deployments_api", "workflow_runs", "releases");
            boolean deploymentsApi = optionalBoolean(node, "deployments_api", false);
            WorkflowRuns runs = null;
            if (node.value().hasNonNull("workflow_runs")) {
                Node runsNode = optionalObject(node, "workflow_runs");
                allowOnly(runsNode, "workflow", "branch", "environment");
                runs = new WorkflowRuns(nameOrRegex(runsNode, "workflow", requiredString(runsNode, "workflow")),
                        optionalString(runsNode, "branch", null), optionalString(runsNode, "environment", "production"));
            }
            Releases releases = null;
            if (node.value().hasNonNull("releases")) {
                Node releasesNode = optionalObject(node, "releases");
                allowOnly(releasesNode, "prereleases", "environment");
                releases = new Releases(optionalBoolean(releasesNode, "prereleases", false), optionalString(releasesNode, "environment", "production"));
            }
            if (!deploymentsApi && runs == null && releases == null) {
                throw DoraException.config(node.path(), "expected at least one of deployments_api: true, workflow_runs or releases");
            }
            return new DeploymentsFrom(deploymentsApi, runs, releases);
        }

        /** A name matched exactly, or {@code /regex/} found in it. */
        private Pattern nameOrRegex(Node node, String key, String text) {
            if (text.length() > 1 && text.startsWith("/") && text.endsWith("/")) {
                String regex = text.substring(1, text.length() - 1);
                try {
                    return Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    throw DoraException.config(node.child(key), "expected a name, or /regex/ with a Java regular expression, got '" + text
                            + "' (" + e.getDescription() + ")");
                }
            }
            return Pattern.compile("^" + Pattern.quote(text) + "$");
        }

        /** {labels: [incident], title: "(?i)outage", severity: "(?i)^sev(\\d)$", services: {"svc:worker": payments-worker}}. */
        private IncidentRule incidentRule(Node node, List<Service> services) {
            allowOnly(node, "labels", "title", "severity", "services");
            List<String> labels = optionalStringList(node, "labels", List.of());
            Pattern title = node.value().hasNonNull("title") ? regex(node, "title", null) : null;
            if (labels.isEmpty() && title == null) {
                throw DoraException.config(node.path(), "expected labels (an issue with any of them is an incident), title (a regular"
                        + " expression its title matches), or both");
            }
            Pattern severity = regex(node, "severity", "(?i)^sev[-_ ]?\\d+$");
            Map<String, String> serviceLabels = new LinkedHashMap<>();
            Node servicesNode = optionalObject(node, "services");
            Set<String> serviceNames = new HashSet<>(services.stream().map(Service::name).toList());
            for (Iterator<String> it = servicesNode.value().fieldNames(); it.hasNext(); ) {
                String label = it.next();
                String service = requiredString(servicesNode, label);
                if (!serviceNames.contains(service)) {
                    throw DoraException.config(servicesNode.child(label), "expected a service name, one of " + serviceNames.stream().sorted().toList()
                            + ", got '" + service + "'");
                }
                serviceLabels.put(label.toLowerCase(Locale.ROOT), service);
            }
            return new IncidentRule(labels.stream().map(l -> l.toLowerCase(Locale.ROOT)).toList(), title, severity, Map.copyOf(serviceLabels));
        }

        /** https://api.github.com, or a GitHub Enterprise Server API root such as https://ghe.example.com/api/v3. */
        private URI baseUrl(Node item) {
            return apiUrl(item, "https://api.github.com", "https://api.github.com or https://ghe.example.com/api/v3");
        }

        /** An API root: http(s), a host, no query, no credentials; trailing slashes dropped. Required when it has no default (null). */
        private URI apiUrl(Node item, String defaultUrl, String examples) {
            String text = defaultUrl == null ? requiredString(item, "base_url") : optionalString(item, "base_url", defaultUrl);
            String expected = "expected an http(s) URL such as " + examples + ", got '" + Redaction.redact(text) + "'";
            URI uri;
            try {
                uri = new URI(text.strip());
            } catch (URISyntaxException e) {
                throw DoraException.config(item.child("base_url"), expected);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
                throw DoraException.config(item.child("base_url"), expected);
            }
            if (uri.getRawUserInfo() != null) {
                throw DoraException.config(item.child("base_url"), "credentials do not belong in the URL ('" + Redaction.redact(text)
                        + "'); name the token with token_env or token_file");
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
            return URI.create(scheme + "://" + uri.getRawAuthority() + path);
        }

        /**
         * {github: owner/name, repo: payments, service: payments-api}; service may be left out when the repo has one, or
         * when environments name a service per deployment environment. deployments_from and incidents default to the source's.
         *
         * @param mappedRepos repos already mapped, to their GitHub repository: a repo is one GitHub repository
         */
        private List<GitHubRepository> githubRepositories(List<Node> items, List<Repo> repos, List<Service> services, boolean deployments,
                                                          Map<String, String> mappedRepos, DeploymentsFrom sourceDeploymentsFrom,
                                                          IncidentRule sourceIncidents) {
            List<GitHubRepository> repositories = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            Set<String> repoNames = new HashSet<>(repos.stream().map(Repo::name).toList());
            for (Node item : items) {
                requireObject(item);
                allowOnly(item, "github", "repo", "service", "environments", "deployments_from", "incidents");
                String fullName = requiredString(item, "github").strip();
                Matcher matcher = GITHUB_REPOSITORY.matcher(fullName);
                if (!matcher.matches()) {
                    throw DoraException.config(item.child("github"), "expected owner/name such as acme/payments, got '" + fullName + "'");
                }
                if (!seen.add(fullName.toLowerCase(Locale.ROOT))) {
                    throw DoraException.config(item.child("github"), "'" + fullName + "' is listed twice");
                }
                String repo = requiredString(item, "repo");
                if (!repoNames.contains(repo)) {
                    throw DoraException.config(item.child("repo"),
                            "expected the name of one of repos " + repoNames.stream().sorted().toList() + ", got '" + repo + "'");
                }
                String mapped = mappedRepos.putIfAbsent(repo, fullName);
                if (mapped != null) {
                    throw DoraException.config(item.child("repo"), "repo " + repo + " is already the repo of GitHub repository " + mapped
                            + "; one repo is one GitHub repository");
                }
                List<String> ofRepo = services.stream().filter(s -> s.repo().equals(repo)).map(Service::name).sorted().toList();
                String service = optionalString(item, "service", null);
                if (service != null && !ofRepo.contains(service)) {
                    throw DoraException.config(item.child("service"),
                            "expected one of the services of repo " + repo + " " + ofRepo + ", got '" + service + "'");
                }
                List<EnvironmentMapping> environments = environments(optionalObject(item, "environments"), repo, ofRepo);
                if (service == null && ofRepo.size() == 1) {
                    service = ofRepo.get(0);
                }
                if (service == null && deployments && environments.isEmpty()) {
                    throw DoraException.config(item.child("service"), ofRepo.isEmpty()
                            ? "repo " + repo + " has no service; add one to services"
                            : "repo " + repo + " has services " + ofRepo + "; name the one this repository's deployments deploy, or map"
                            + " its deployment environments to them with environments");
                }
                DeploymentsFrom deploymentsFrom = item.value().hasNonNull("deployments_from")
                        ? deploymentsFrom(optionalObject(item, "deployments_from")) : sourceDeploymentsFrom;
                IncidentRule incidents = item.value().hasNonNull("incidents") ? incidentRule(optionalObject(item, "incidents"), services)
                        : sourceIncidents;
                if (incidents != null && service == null && incidents.serviceLabels().isEmpty()) {
                    throw DoraException.config(item.child("service"), "repo " + repo + " has services " + ofRepo + "; name the one its"
                            + " incidents are about, or map labels to services with incidents.services");
                }
                repositories.add(new GitHubRepository(matcher.group(1), matcher.group(2), repo, service, deploymentsFrom, environments,
                        incidents));
            }
            return List.copyOf(repositories);
        }

        private List<GitLabSource> gitlabSources(Node parent, List<Repo> repos, List<Service> services) {
            if (!parent.value().has("gitlab")) {
                return List.of();
            }
            List<GitLabSource> sources = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (Node item : list(new Node(parent.child("gitlab"), parent.value().get("gitlab")))) {
                requireObject(item);
                allowOnly(item, "name", "base_url", "token_env", "token_file", "projects", "deployments", "pipelines_as_deployments",
                        "merge_requests", "incidents", "page_size", "overlap");
                String name = optionalString(item, "name", "gitlab");
                if (name.isBlank()) {
                    throw DoraException.config(item.child("name"), "expected a non-empty name");
                }
                if (!names.add(name)) {
                    throw DoraException.config(item.child("name"), "'" + name + "' is defined twice; give each gitlab source its own name");
                }
                URI baseUrl = apiUrl(item, "https://gitlab.com/api/v4", "https://gitlab.com/api/v4 or https://gitlab.example.com/api/v4");
                TokenNames token = tokenNames(item, true, "GITLAB_TOKEN");
                boolean deployments = optionalBoolean(item, "deployments", true);
                PipelineDeployments pipelines = pipelineDeployments(item);
                boolean mergeRequests = optionalBoolean(item, "merge_requests", true);
                IncidentIssues incidents = incidentIssues(item);
                int pageSize = optionalInt(item, "page_size", 100, 1, 100);
                Duration overlap = duration(item, "overlap", "1d");
                List<GitLabProject> projects = gitlabProjects(requiredList(item, "projects"), repos, services,
                        deployments || pipelines != null || incidents != null);
                sources.add(new GitLabSource(name, baseUrl, token.env(), token.file(), projects, deployments,
                        pipelines, mergeRequests, incidents, pageSize, overlap));
            }
            return List.copyOf(sources);
        }

        private String sourceName(Node item, String defaultName, Set<String> names) {
            String name = optionalString(item, "name", defaultName);
            if (name.isBlank()) {
                throw DoraException.config(item.child("name"), "expected a non-empty name");
            }
            if (!names.add(name)) {
                throw DoraException.config(item.child("name"), "'" + name + "' is defined twice; give each " + defaultName
                        + " source its own name");
            }
            return name;
        }

        private List<PagerDutySource> pagerdutySources(Node parent, List<Service> services) {
            if (!parent.value().has("pagerduty")) {
                return List.of();
            }
            List<PagerDutySource> sources = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Set<String> serviceNames = new HashSet<>(services.stream().map(Service::name).toList());
            for (Node item : list(new Node(parent.child("pagerduty"), parent.value().get("pagerduty")))) {
                requireObject(item);
                allowOnly(item, "name", "base_url", "token_env", "token_file", "services", "urgencies", "priority_severity",
                        "urgency_severity", "lookback", "overlap", "page_size");
                String name = sourceName(item, "pagerduty", names);
                URI baseUrl = apiUrl(item, "https://api.pagerduty.com", "https://api.pagerduty.com or https://api.eu.pagerduty.com");
                TokenNames token = tokenNames(item, true, "PAGERDUTY_TOKEN");
                List<PagerDutyService> pagerdutyServices = new ArrayList<>();
                Set<String> ids = new HashSet<>();
                for (Node entry : requiredList(item, "services")) {
                    requireObject(entry);
                    allowOnly(entry, "id", "service");
                    String id = requiredString(entry, "id").strip();
                    if (!PAGERDUTY_ID.matcher(id).matches()) {
                        throw DoraException.config(entry.child("id"), "expected a PagerDuty service id such as PIJ90N7 (letters and"
                                + " digits, as in the service's URL), got '" + id + "'");
                    }
                    if (!ids.add(id)) {
                        throw DoraException.config(entry.child("id"), "'" + id + "' is listed twice");
                    }
                    String service = optionalString(entry, "service", null);
                    if (service != null && !serviceNames.contains(service)) {
                        throw DoraException.config(entry.child("service"), "expected the name of one of services "
                                + serviceNames.stream().sorted().toList() + ", got '" + service + "'");
                    }
                    pagerdutyServices.add(new PagerDutyService(id, service));
                }
                List<String> urgencies = optionalStringList(item, "urgencies", PAGERDUTY_URGENCIES);
                for (int i = 0; i < urgencies.size(); i++) {
                    if (!PAGERDUTY_URGENCIES.contains(urgencies.get(i))) {
                        throw DoraException.config(item.child("urgencies") + "[" + i + "]", "expected high or low, got '" + urgencies.get(i) + "'");
                    }
                }
                if (urgencies.isEmpty()) {
                    throw DoraException.config(item.child("urgencies"), "expected high, low or both");
                }
                Map<String, String> prioritySeverity = optionalStringMap(item, "priority_severity", Map.of());
                Map<String, String> urgencySeverity = new TreeMap<>(Map.of("high", "high", "low", "low"));
                Map<String, String> urgencyMap = optionalStringMap(item, "urgency_severity", Map.of());
                for (String urgency : urgencyMap.keySet()) {
                    if (!PAGERDUTY_URGENCIES.contains(urgency)) {
                        throw DoraException.config(item.child("urgency_severity") + "." + urgency, "unknown urgency; expected high or low");
                    }
                }
                urgencySeverity.putAll(urgencyMap);
                sources.add(new PagerDutySource(name, baseUrl, token.env(), token.file(), List.copyOf(pagerdutyServices), urgencies,
                        prioritySeverity, Map.copyOf(urgencySeverity), duration(item, "lookback", "365d"), duration(item, "overlap", "1d"),
                        optionalInt(item, "page_size", 100, 1, 100)));
            }
            return List.copyOf(sources);
        }

        /** {ref: main, source: push, name: deploy, environment: production}, or null when absent (pipelines are no deployments). */
        private PipelineDeployments pipelineDeployments(Node item) {
            JsonNode value = item.value().get("pipelines_as_deployments");
            if (value == null || value.isNull()) {
                return null;
            }
            Node node = optionalObject(item, "pipelines_as_deployments");
            allowOnly(node, "ref", "source", "name", "environment");
            return new PipelineDeployments(requiredString(node, "ref"), optionalString(node, "source", null),
                    optionalString(node, "name", null), optionalString(node, "environment", "production"));
        }

        /** {issue_type: incident, labels: [...]}, or null when absent (incidents are not read). */
        private IncidentIssues incidentIssues(Node item) {
            JsonNode value = item.value().get("incidents");
            if (value == null || value.isNull()) {
                return null;
            }
            Node node = optionalObject(item, "incidents");
            allowOnly(node, "issue_type", "labels");
            return new IncidentIssues(optionalString(node, "issue_type", "incident"), optionalStringList(node, "labels", List.of()));
        }

        /**
         * {gitlab: group/project, repo: payments, service: payments-api, environments: {name-or-regex: service}}; service may
         * be left out when the repo has one, or when environments map every deployment.
         */
        private List<GitLabProject> gitlabProjects(List<Node> items, List<Repo> repos, List<Service> services, boolean needsService) {
            List<GitLabProject> projects = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            Set<String> repoNames = new HashSet<>(repos.stream().map(Repo::name).toList());
            for (Node item : items) {
                requireObject(item);
                allowOnly(item, "gitlab", "repo", "service", "environments");
                String project = requiredString(item, "gitlab").strip().replaceAll("^/+|/+$", "");
                if (!GITLAB_PROJECT.matcher(project).matches()) {
                    throw DoraException.config(item.child("gitlab"),
                            "expected a project path such as acme/payments or acme/platform/payments, or a numeric project id, got '" + project + "'");
                }
                if (!seen.add(project.toLowerCase(Locale.ROOT))) {
                    throw DoraException.config(item.child("gitlab"), "'" + project + "' is listed twice");
                }
                String repo = requiredString(item, "repo");
                if (!repoNames.contains(repo)) {
                    throw DoraException.config(item.child("repo"),
                            "expected the name of one of repos " + repoNames.stream().sorted().toList() + ", got '" + repo + "'");
                }
                List<String> ofRepo = services.stream().filter(s -> s.repo().equals(repo)).map(Service::name).sorted().toList();
                String service = optionalString(item, "service", null);
                if (service != null && !ofRepo.contains(service)) {
                    throw DoraException.config(item.child("service"),
                            "expected one of the services of repo " + repo + " " + ofRepo + ", got '" + service + "'");
                }
                List<EnvironmentService> environments = new ArrayList<>();
                Node mapping = optionalObject(item, "environments");
                for (Iterator<Map.Entry<String, JsonNode>> fields = mapping.value().fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    String key = mapping.child(field.getKey());
                    String mapped = scalar(key, field.getValue());
                    if (!ofRepo.contains(mapped)) {
                        throw DoraException.config(key, "expected one of the services of repo " + repo + " " + ofRepo + ", got '" + mapped + "'");
                    }
                    try {
                        environments.add(new EnvironmentService(field.getKey(), Pattern.compile(field.getKey()), mapped));
                    } catch (PatternSyntaxException e) {
                        throw DoraException.config(key, "expected an environment name or a Java regular expression, got '" + field.getKey()
                                + "' (" + e.getDescription() + ")");
                    }
                }
                if (service == null && environments.isEmpty() && needsService) {
                    if (ofRepo.size() != 1) {
                        throw DoraException.config(item.child("service"), ofRepo.isEmpty()
                                ? "repo " + repo + " has no service; add one to services"
                                : "repo " + repo + " has services " + ofRepo + "; name the one this project deploys, or map environments to them");
                    }
                    service = ofRepo.get(0);
                }
                projects.add(new GitLabProject(project, repo, service, List.copyOf(environments)));
            }
            return List.copyOf(projects);
        }

        private List<OpsgenieSource> opsgenieSources(Node parent, List<Service> services, List<Team> teams) {
            if (!parent.value().has("opsgenie")) {
                return List.of();
            }
            List<OpsgenieSource> sources = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Set<String> serviceNames = new HashSet<>(services.stream().map(Service::name).toList());
            Set<String> teamNames = new HashSet<>(teams.stream().map(Team::name).toList());
            for (Node item : list(new Node(parent.child("opsgenie"), parent.value().get("opsgenie")))) {
                requireObject(item);
                allowOnly(item, "name", "base_url", "token_env", "token_file", "kind", "query", "services", "teams", "priority_severity",
                        "lookback", "overlap", "page_size");
                String name = sourceName(item, "opsgenie", names);
                URI baseUrl = apiUrl(item, "https://api.opsgenie.com", "https://api.opsgenie.com or https://api.eu.opsgenie.com");
                TokenNames token = tokenNames(item, true, "OPSGENIE_API_KEY");
                String kindText = optionalString(item, "kind", "incidents");
                OpsgenieKind kind = switch (kindText) {
                    case "incidents" -> OpsgenieKind.INCIDENTS;
                    case "alerts" -> OpsgenieKind.ALERTS;
                    default -> throw DoraException.config(item.child("kind"), "expected incidents or alerts, got '" + kindText + "'");
                };
                String query = optionalString(item, "query", "").strip();
                Map<String, String> serviceMap = optionalStringMap(item, "services", Map.of());
                serviceMap.forEach((key, service) -> {
                    if (!serviceNames.contains(service)) {
                        throw DoraException.config(item.child("services") + "." + key, "expected the name of one of services "
                                + serviceNames.stream().sorted().toList() + ", got '" + service + "'");
                    }
                });
                Map<String, String> teamMap = optionalStringMap(item, "teams", Map.of());
                teamMap.forEach((key, team) -> {
                    if (!teamNames.contains(team)) {
                        throw DoraException.config(item.child("teams") + "." + key, "expected the name of one of teams "
                                + teamNames.stream().sorted().toList() + ", got '" + team + "'");
                    }
                });
                Map<String, String> prioritySeverity = new TreeMap<>();
                for (String priority : OPSGENIE_PRIORITIES) {
                    prioritySeverity.put(priority, priority);
                }
                Map<String, String> priorityMap = optionalStringMap(item, "priority_severity", Map.of());
                for (String priority : priorityMap.keySet()) {
                    if (!OPSGENIE_PRIORITIES.contains(priority)) {
                        throw DoraException.config(item.child("priority_severity") + "." + priority, "unknown priority; expected one of "
                                + OPSGENIE_PRIORITIES);
                    }
                }
                prioritySeverity.putAll(priorityMap);
                sources.add(new OpsgenieSource(name, baseUrl, token.env(), token.file(), kind, query, serviceMap, teamMap,
                        Map.copyOf(prioritySeverity), duration(item, "lookback", "365d"), duration(item, "overlap", "1d"),
                        optionalInt(item, "page_size", 100, 1, 100)));
            }
            return List.copyOf(sources);
        }

        /**
         * {production-worker: payments-worker, "/^staging-/": {service: payments-api, production: false}}: an
         * environment name (exact, or /regex/) to a service of the repo, and optionally whether it is production.
         */
        private List<EnvironmentMapping> environments(Node node, String repo, List<String> ofRepo) {
            List<EnvironmentMapping> mappings = new ArrayList<>();
            for (Iterator<String> it = node.value().fieldNames(); it.hasNext(); ) {
                String environment = it.next();
                Node mapping = new Node(node.child(environment), node.value().get(environment));
                String service;
                Boolean production = null;
                if (mapping.value() != null && mapping.value().isObject()) {
                    allowOnly(mapping, "service", "production");
                    service = requiredString(mapping, "service");
                    if (mapping.value().hasNonNull("production")) {
                        production = optionalBoolean(mapping, "production", false);
                    }
                } else {
                    service = requiredString(node, environment);
                }
                if (!ofRepo.contains(service)) {
                    throw DoraException.config(mapping.path(), "expected one of the services of repo " + repo + " " + ofRepo + ", got '"
                            + service + "'");
                }
                mappings.add(new EnvironmentMapping(nameOrRegex(node, environment, environment), service, production));
            }
            return List.copyOf(mappings);
        }

        private List<JiraSource> jiraSources(Node parent, List<Service> services) {
            if (!parent.value().has("jira")) {
                return List.of();
            }
            List<JiraSource> sources = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (Node item : list(new Node(parent.child("jira"), parent.value().get("jira")))) {
                requireObject(item);
                allowOnly(item, "name", "base_url", "deployment", "email", "token_env", "token_file", "projects", "jql", "incident_types",
                        "bug_types", "bug_priorities", "service", "deployment_field", "severity", "overlap", "page_size");
                String name = optionalString(item, "name", "jira");
                if (name.isBlank()) {
                    throw DoraException.config(item.child("name"), "expected a non-empty name");
                }
                if (!names.add(name)) {
                    throw DoraException.config(item.child("name"), "'" + name + "' is defined twice; give each jira source its own name");
                }
                URI baseUrl = apiUrl(item, null, "https://acme.atlassian.net or https://jira.example.com");
                String deploymentText = requiredString(item, "deployment").strip();
                JiraDeployment deployment = switch (deploymentText) {
                    case "cloud" -> JiraDeployment.CLOUD;
                    case "data_center" -> JiraDeployment.DATA_CENTER;
                    default -> throw DoraException.config(item.child("deployment"),
                            "expected cloud (email and API token) or data_center (personal access token), got '" + deploymentText + "'");
                };
                String email = optionalString(item, "email", null);
                if (deployment == JiraDeployment.CLOUD && (email == null || !email.contains("@"))) {
                    throw DoraException.config(item.child("email"), "Jira Cloud signs in with the account's email and an API token;"
                            + " expected the email of the account the token belongs to");
                }
                if (deployment == JiraDeployment.DATA_CENTER && email != null) {
                    throw DoraException.config(item.child("email"), "Jira Data Center signs in with a personal access token alone; remove email");
                }
                TokenNames token = tokenNames(item, true, "JIRA_TOKEN");
                List<String> incidentTypes = nonEmptyList(item, "incident_types", List.of("Incident"));
                List<String> bugTypes = optionalStringList(item, "bug_types", List.of("Bug"));
                List<String> bugPriorities = optionalStringList(item, "bug_priorities", List.of("Highest"));
                List<String> projects = optionalStringList(item, "projects", List.of());
                for (int i = 0; i < projects.size(); i++) {
                    if (!JIRA_PROJECT_KEY.matcher(projects.get(i)).matches()) {
                        throw DoraException.config(item.child("projects") + "[" + i + "]", "expected a project key such as OPS, got '" + projects.get(i) + "'");
                    }
                }
                String jql = optionalString(item, "jql", null);
                if (jql != null && jql.isBlank()) {
                    throw DoraException.config(item.child("jql"), "expected a JQL query, or leave jql out for the default");
                }
                if (jql != null && ORDER_BY.matcher(jql).find()) {
                    throw DoraException.config(item.child("jql"), "leave ORDER BY out: collect orders the search itself");
                }
                if (jql != null && !projects.isEmpty()) {
                    throw DoraException.config(item.child("projects"), "projects narrows the default search; with jql, name the projects in it");
                }
                if (jql == null && incidentTypes.contains("*") && projects.isEmpty()) {
                    throw DoraException.config(item.child("incident_types"),
                            "\"*\" makes every issue the search finds an incident: name the projects, or write the jql");
                }
                if (jql == null) {
                    jql = defaultJql(projects, incidentTypes, bugTypes, bugPriorities);
                }
                JiraService service = jiraService(optionalObject(item, "service"), services);
                String deploymentField = optionalString(item, "deployment_field", null);
                Map<String, String> severities = optionalStringMap(item, "severity", Map.of());
                Duration overlap = duration(item, "overlap", "1d");
                int pageSize = optionalInt(item, "page_size", 100, 1, 100);
                sources.add(new JiraSource(name, baseUrl, deployment, email, token.env(), token.file(), jql,
                        incidentTypes, bugTypes, bugPriorities, service, deploymentField, severities, overlap, pageSize));
            }
            return List.copyOf(sources);
        }

        /**
         * The issues of the incident types, and those of the bug types at the bug priorities; only in the projects when
         * some are named. Every issue of the projects when incident_types is "*".
         */
        private static String defaultJql(List<String> projects, List<String> incidentTypes, List<String> bugTypes, List<String> bugPriorities) {
            String project = projects.isEmpty() ? null : "project in (" + jqlValues(projects) + ")";
            if (incidentTypes.contains("*")) {
                return project;
            }
            String kind = "issuetype in (" + jqlValues(incidentTypes) + ")";
            if (!bugTypes.isEmpty() && !bugPriorities.isEmpty()) {
                kind = "(" + kind + " OR (issuetype in (" + jqlValues(bugTypes) + ") AND priority in (" + jqlValues(bugPriorities) + ")))";
            }
            return project == null ? kind : project + " AND " + kind;
        }

        private static String jqlValues(List<String> values) {
            return String.join(", ", values.stream().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").toList());
        }

        /** {from: components | labels | a field id or name, label_prefix: "service:", map: {Jira value: service}}. */
        private JiraService jiraService(Node node, List<Service> services) {
            allowOnly(node, "from", "label_prefix", "map");
            String from = optionalString(node, "from", JiraService.COMPONENTS).strip();
            if (from.isEmpty()) {
                throw DoraException.config(node.child("from"), "expected components, labels, or a field id or name");
            }
            String labelPrefix = optionalString(node, "label_prefix", null);
            if (labelPrefix != null && !from.equals(JiraService.LABELS)) {
                throw DoraException.config(node.child("label_prefix"), "applies to from: labels only");
            }
            if (from.equals(JiraService.LABELS) && labelPrefix == null) {
                labelPrefix = "service:";
            }
            Map<String, String> map = optionalStringMap(node, "map", Map.of());
            Set<String> serviceNames = new HashSet<>(services.stream().map(Service::name).toList());
            for (Map.Entry<String, String> entry : map.entrySet()) {
                if (!serviceNames.contains(entry.getValue())) {
                    throw DoraException.config(node.child("map") + "." + entry.getKey(),
                            "expected the name of one of services " + serviceNames.stream().sorted().toList() + ", got '" + entry.getValue() + "'");
                }
            }
            return new JiraService(from, labelPrefix, map);
        }

        private List<String> nonEmptyList(Node parent, String key, List<String> defaultValue) {
            List<String> values = optionalStringList(parent, key, defaultValue);
            if (values.isEmpty() || values.stream().anyMatch(String::isBlank)) {
                throw DoraException.config(parent.child(key), "expected a list of at least one non-empty value");
            }
            return values;
        }

        private List<FileSource> fileSources(Node parent, String key) {
            if (!parent.value().has(key)) {
                return List.of();
            }
            List<FileSource> sources = new ArrayList<>();
            for (Node item : list(new Node(parent.child(key), parent.value().get(key)))) {
                requireObject(item);
                allowOnly(item, "file");
                String written = requiredString(item, "file");
                String lower = written.toLowerCase(Locale.ROOT);
                FileFormat format;
                if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
                    format = FileFormat.JSONL;
                } else if (lower.endsWith(".csv")) {
                    format = FileFormat.CSV;
                } else {
                    throw DoraException.config(item.child("file"), "expected a .jsonl or .csv file, got '" + written + "'");
                }
                sources.add(new FileSource("file:" + written, resolve(written), format));
            }
            return List.copyOf(sources);
        }

        private Rules rules(Node node) {
            allowOnly(node, "production_environment", "hotfix", "attribution_window", "baseline_lookback",
                    "change_start", "max_reject_ratio");
            Pattern production = regex(node, "production_environment", "(?i)^prod(uction)?$");
            Pattern hotfix = regex(node, "hotfix", "(?i)hotfix");
            Duration window = duration(node, "attribution_window", "24h");
            Duration lookback = duration(node, "baseline_lookback", "30d");
            String changeStartText = optionalString(node, "change_start", "author_time");
            ChangeStart changeStart = switch (changeStartText) {
                case "author_time" -> ChangeStart.AUTHOR_TIME;
                case "committer_time" -> ChangeStart.COMMITTER_TIME;
                case "pr_first_commit" -> ChangeStart.PR_FIRST_COMMIT;
                case "pr_merged" -> ChangeStart.PR_MERGED;
                default -> throw DoraException.config(node.child("change_start"),
                        "expected author_time, committer_time, pr_first_commit or pr_merged, got '" + changeStartText + "'");
            };
            double maxRejectRatio = optionalDouble(node, "max_reject_ratio", 0.05, 0.0, 1.0);
            return new Rules(production, hotfix, window, lookback, changeStart, maxRejectRatio);
        }

        private Alerts alerts(Node root, List<Team> teams) {
            Node node = optionalObject(root, "alerts");
            allowOnly(node, "window_weeks", "min_history_weeks", "working_days", "sensitivity", "deploy_silence",
                    "source_silence", "change_failure_rate", "lead_time", "absolute", "team_link", "webhook", "email",
                    "routes", "retry", "dry_run");
            int windowWeeks = optionalInt(node, "window_weeks", 8, 2, 52);
            int minHistoryWeeks = optionalInt(node, "min_history_weeks", Math.min(4, windowWeeks), 1, windowWeeks);
            Set<DayOfWeek> workingDays = workingDays(node);
            double sensitivity = optionalDouble(node, "sensitivity", 3.0, 1.0, 10.0);
            SilenceRule deploySilence = silenceRule(optionalObject(node, "deploy_silence"), "min_working_days", 3);
            SilenceRule sourceSilence = silenceRule(optionalObject(node, "source_silence"), "min_working_days", 3);
            RateRule changeFailureRate = rateRule(optionalObject(node, "change_failure_rate"), "min_deployments", 5, 0.10, 1.0);
            RateRule leadTime = rateRule(optionalObject(node, "lead_time"), "min_changes", 5, 0.5, 100.0);
            Node absoluteNode = optionalObject(node, "absolute");
            allowOnly(absoluteNode, "no_production_deploy_working_days", "change_failure_rate_above", "min_deployments");
            Integer noDeploy = absoluteNode.value().has("no_production_deploy_working_days")
                    ? optionalInt(absoluteNode, "no_production_deploy_working_days", 0, 1, 260) : null;
            Double cfrAbove = absoluteNode.value().has("change_failure_rate_above")
                    ? optionalDouble(absoluteNode, "change_failure_rate_above", 0, 0.0, 1.0) : null;
            AbsoluteRules absolute = new AbsoluteRules(noDeploy, cfrAbove, optionalInt(absoluteNode, "min_deployments", 5, 1, 1000));
            String teamLink = teamLink(node);
            Webhook webhook = node.value().has("webhook") ? webhook(optionalObject(node, "webhook")) : null;
            Email email = node.value().has("email") ? email(optionalObject(node, "email")) : null;
            List<Route> routes = routes(node, teams, webhook, email);
            Node retry = optionalObject(node, "retry");
            allowOnly(retry, "attempts", "backoff");
            int attempts = optionalInt(retry, "attempts", 3, 1, 10);
            Duration backoff = duration(retry, "backoff", "2s");
            boolean dryRun = optionalBoolean(node, "dry_run", false);
            return new Alerts(windowWeeks, minHistoryWeeks, workingDays, sensitivity, deploySilence, sourceSilence,
                    changeFailureRate, leadTime, absolute, teamLink, webhook, email, routes, attempts, backoff, dryRun);
        }

        private Set<DayOfWeek> workingDays(Node node) {
            List<String> names = optionalStringList(node, "working_days",
                    List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"));
            Set<DayOfWeek> days = new TreeSet<>();
            for (String name : names) {
                try {
                    if (!days.add(DayOfWeek.valueOf(name.strip().toUpperCase(Locale.ROOT)))) {
                        throw DoraException.config(node.child("working_days"), "'" + name + "' is listed twice");
                    }
                } catch (IllegalArgumentException e) {
                    throw DoraException.config(node.child("working_days"), "expected day names (MONDAY .. SUNDAY), got '" + name + "'");
                }
            }
            if (days.isEmpty()) {
                throw DoraException.config(node.child("working_days"), "expected at least one day");
            }
            return Collections.unmodifiableSet(days);
        }

        private SilenceRule silenceRule(Node node, String minKey, int defaultMin) {
            allowOnly(node, "enabled", minKey);
            return new SilenceRule(optionalBoolean(node, "enabled", true), optionalInt(node, minKey, defaultMin, 1, 260));
        }

        private RateRule rateRule(Node node, String minKey, int defaultMin, double defaultRise, double maxRise) {
            allowOnly(node, "enabled", minKey, "min_rise");
            return new RateRule(optionalBoolean(node, "enabled", true), optionalInt(node, minKey, defaultMin, 1, 100_000),
                    optionalDouble(node, "min_rise", defaultRise, 0.0, maxRise));
        }

        private String teamLink(Node node) {
            String link = optionalString(node, "team_link", null);
            if (link != null && !link.matches("https?://\\S+")) {
                throw DoraException.config(node.child("team_link"), "expected an http(s) URL such as "
                        + "https://dora.example.com/teams/{team}?as_of={as_of}, got '" + Redaction.redact(link) + "'");
            }
            return link;
        }

        private Webhook webhook(Node node) {
            allowOnly(node, "url_env", "url_file");
            String urlEnv = optionalString(node, "url_env", null);
            String urlFile = optionalString(node, "url_file", null);
            if ((urlEnv == null) == (urlFile == null)) {
                throw DoraException.config(node.path(), "expected exactly one of url_env (the environment variable holding the "
                        + "webhook URL) or url_file (a file holding it): the URL is a secret, never written in the config");
            }
            requireEnvironmentName(node, "url_env", urlEnv, "DORA_ALERTS_WEBHOOK");
            return new Webhook(urlEnv, urlFile == null ? null : resolve(urlFile));
        }

        private Email email(Node node) {
            allowOnly(node, "host", "port", "starttls", "ca_file", "from", "user", "password_env", "password_file");
            String host = requiredString(node, "host").strip();
            if (host.isEmpty() || host.contains("/") || host.contains(" ")) {
                throw DoraException.config(node.child("host"), "expected an SMTP host name such as smtp.example.com, got '" + host + "'");
            }
            int port = optionalInt(node, "port", 587, 1, 65535);
            boolean starttls = optionalBoolean(node, "starttls", true);
            String from = emailAddress(node.child("from"), requiredString(node, "from"));
            String user = optionalString(node, "user", null);
            String passwordEnv = optionalString(node, "password_env", null);
            String passwordFile = optionalString(node, "password_file", null);
            if (passwordEnv != null && passwordFile != null || (user != null) != (passwordEnv != null || passwordFile != null)) {
                throw DoraException.config(node.path(), "expected user with exactly one of password_env or password_file"
                        + " (or none of the three, for a server that takes mail without signing in)");
            }
            requireEnvironmentName(node, "password_env", passwordEnv, "SMTP_PASSWORD");
            String caFile = optionalString(node, "ca_file", null);
            Path ca = caFile == null ? null : resolve(caFile);
            if (ca != null && !starttls) {
                throw DoraException.config(node.child("ca_file"), "a CA certificate is for STARTTLS; set starttls: true or remove ca_file");
            }
            if (ca != null && !Files.isReadable(ca)) {
                throw DoraException.config(node.child("ca_file"), "expected a readable PEM file of the CA certificate(s) that"
                        + " signed the SMTP server's certificate; " + ca + " cannot be read");
            }
            return new Email(host, port, starttls, ca, from, user, passwordEnv, passwordFile == null ? null : resolve(passwordFile));
        }

        private String emailAddress(String key, String text) {
            String address = text.strip();
            if (!address.matches("[^@\\s,<>]+@[^@\\s,<>]+\\.[^@\\s,<>]+")) {
                throw DoraException.config(key, "expected an e-mail address such as dora@example.com, got '" + text + "'");
            }
            return address;
        }

        private List<Route> routes(Node node, List<Team> teams, Webhook webhook, Email email) {
            JsonNode value = node.value().get("routes");
            if (value == null || value.isNull()) {
                return List.of();
            }
            Set<String> known = new HashSet<>(teams.stream().map(Team::name).toList());
            Set<String> seen = new HashSet<>();
            List<Route> routes = new ArrayList<>();
            for (Node item : list(new Node(node.child("routes"), value))) {
                requireObject(item);
                allowOnly(item, "team", "channel", "email");
                String team = requiredString(item, "team");
                if (!team.equals(Route.ANY_TEAM) && !known.contains(team)) {
                    throw DoraException.config(item.child("team"), "expected a team of teams[] or \"*\" (every other team, and the"
                            + " sources), got '" + team + "'; teams: " + known.stream().sorted().toList());
                }
                if (!seen.add(team)) {
                    throw DoraException.config(item.child("team"), "'" + team + "' has two routes; give it one");
                }
                String channel = optionalString(item, "channel", null);
                List<String> addresses = new ArrayList<>();
                for (String address : optionalStringList(item, "email", List.of())) {
                    addresses.add(emailAddress(item.child("email"), address));
                }
                if (channel == null && addresses.isEmpty()) {
                    throw DoraException.config(item.path(), "expected a channel (webhook), email addresses, or both");
                }
                if (channel != null && webhook == null) {
                    throw DoraException.config(item.child("channel"), "a channel needs alerts.webhook (url_env or url_file)");
                }
                if (!addresses.isEmpty() && email == null) {
                    throw DoraException.config(item.child("email"), "e-mail addresses need alerts.email (the SMTP server)");
                }
                routes.add(new Route(team, channel, List.copyOf(addresses)));
            }
            return List.copyOf(routes);
        }

        private Pattern regex(Node node, String key, String defaultValue) {
            String text = optionalString(node, key, defaultValue);
            try {
                return Pattern.compile(text);
            } catch (PatternSyntaxException e) {
                throw DoraException.config(node.child(key),
                        "expected a Java regular expression, got '" + text + "' (" + e.getDescription() + ")");
            }
        }

        private Pattern optionalRegex(Node node, String key) {
            return optionalString(node, key, null) == null ? null : regex(node, key, null);
        }

        private Duration duration(Node node, String key, String defaultValue) {
            String text = optionalString(node, key, defaultValue).trim();
            Matcher matcher = DURATION.matcher(text);
            if (!matcher.matches()) {
                throw DoraException.config(node.child(key),
                        "expected a duration such as 90m, 24h, 30d or 2w, got '" + text + "'");
            }
            long amount = Long.parseLong(matcher.group(1));
            Duration duration = switch (matcher.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> Duration.ofDays(7 * amount);
            };
            if (duration.isZero()) {
                throw DoraException.config(node.child(key), "expected a duration greater than zero, got '" + text + "'");
            }
            return duration;
        }

        private String uniqueName(Node item, Set<String> seen) {
            requireObject(item);
            String name = requiredString(item, "name");
            if (name.isBlank()) {
                throw DoraException.config(item.child("name"), "expected a non-empty name");
            }
            if (!seen.add(name)) {
                throw DoraException.config(item.child("name"), "'" + name + "' is defined twice; names must be unique");
            }
            return name;
        }

        private String location(String written) {
            return URI_SCHEME.matcher(written).matches() ? written : resolve(written).toString();
        }

        private Path resolve(String written) {
            return baseDirectory.resolve(written).toAbsolutePath().normalize();
        }

        private void allowOnly(Node node, String... keys) {
            if (node.value() == null || node.value().isNull()) {
                return;
            }
            requireObject(node);
            Set<String> allowed = Set.of(keys);
            for (Iterator<String> it = node.value().fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!allowed.contains(key)) {
                    throw DoraException.config(node.child(key),
                            "unknown key; expected one of " + Arrays.stream(keys).sorted().toList());
                }
            }
        }

        private void requireObject(Node node) {
            if (!node.value().isObject()) {
                throw DoraException.config(node.path(), "expected a mapping (key: value), got " + describe(node.value()));
            }
        }

        private Node optionalObject(Node parent, String key) {
            JsonNode value = parent.value().get(key);
            Node node = new Node(parent.child(key), value == null || value.isNull() ? JsonNodeFactory.instance.objectNode() : value);
            requireObject(node);
            return node;
        }

        private List<Node> requiredList(Node parent, String key) {
            JsonNode value = parent.value().get(key);
            if (value == null || value.isNull()) {
                throw DoraException.config(parent.child(key), "required key is missing; expected a list");
            }
            List<Node> items = list(new Node(parent.child(key), value));
            if (items.isEmpty()) {
                throw DoraException.config(parent.child(key), "expected at least one entry");
            }
            return items;
        }

        private List<Node> list(Node node) {
            if (!node.value().isArray()) {
                throw DoraException.config(node.path(), "expected a list, got " + describe(node.value()));
            }
            List<Node> items = new ArrayList<>();
            for (int i = 0; i < node.value().size(); i++) {
                items.add(new Node(node.path() + "[" + i + "]", node.value().get(i)));
            }
            return items;
        }

        private String requiredString(Node parent, String key) {
            JsonNode value = parent.value().get(key);
            if (value == null || value.isNull()) {
                throw DoraException.config(parent.child(key), "required key is missing; expected a text value");
            }
            return scalar(parent.child(key), value);
        }

        private String optionalString(Node parent, String key, String defaultValue) {
            JsonNode value = parent.value().get(key);
            return value == null || value.isNull() ? defaultValue : scalar(parent.child(key), value);
        }

        private List<String> optionalStringList(Node parent, String key, List<String> defaultValue) {
            JsonNode value = parent.value().get(key);
            if (value == null || value.isNull()) {
                return defaultValue;
            }
            List<String> strings = new ArrayList<>();
            for (Node item : list(new Node(parent.child(key), value))) {
                strings.add(scalar(item.path(), item.value()));
            }
            return List.copyOf(strings);
        }

        /** A mapping of names to names ({@code {P1: sev1}}), in key order. */
        private Map<String, String> optionalStringMap(Node parent, String key, Map<String, String> defaultValue) {
            JsonNode value = parent.value().get(key);
            if (value == null || value.isNull()) {
                return defaultValue;
            }
            Node node = new Node(parent.child(key), value);
            requireObject(node);
            Map<String, String> map = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String text = scalar(node.child(entry.getKey()), entry.getValue()).strip();
                if (entry.getKey().isBlank() || text.isEmpty()) {
                    throw DoraException.config(node.child(entry.getKey()), "expected a non-empty name on both sides");
                }
                map.put(entry.getKey(), text);
            }
            return Collections.unmodifiableMap(map);
        }

        private boolean optionalBoolean(Node parent, String key, boolean defaultValue) {
            JsonNode value = parent.value().get(key);
            if (value == null || value.isNull()) {
                return defaultValue;
            }
            String text = scalar(parent.child(key), value).strip().toLowerCase(Locale.ROOT);
            return switch (text) {
                case "true" -> true;
                case "false" -> false;
                default -> throw DoraException.config(parent.child(key), "expected true or false, got '" + text + "'");
            };
        }

        private int optionalInt(Node parent, String key, int defaultValue, int min, int max) {
            JsonNode value = parent.value().get(key);
            if (value == null || value.isNull()) {
                return defaultValue;
            }
            String text = scalar(parent.child(key), value);
            try {
                int number = Integer.parseInt(text.trim());
                if (number >= min && number <= max) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // reported below with the expected range
            }
            throw DoraException.config(parent.child(key), "expected a whole number from " + min + " to " + max + ", got '" + text + "'");
        }

        private double optionalDouble(Node parent, String key, double defaultValue, double min, double max) {
            JsonNode value = parent.value().get(key);
            if (value == null || value.isNull()) {
                return defaultValue;
            }
            String text = scalar(parent.child(key), value);
            try {
                double number = Double.parseDouble(text.trim());
                if (number >= min && number <= max) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // reported below with the expected range
            }
            throw DoraException.config(parent.child(key), "expected a number from " + min + " to " + max + ", got '" + text + "'");
        }

        /** A scalar's text with ${ENV_VAR} references expanded; a reference to an unset variable is an error. */
        private String scalar(String path, JsonNode value) {
            if (!value.isValueNode()) {
                throw DoraException.config(path, "expected a single value, got " + describe(value));
            }
            Matcher matcher = ENV_REFERENCE.matcher(value.asText());
            StringBuilder expanded = new StringBuilder();
            while (matcher.find()) {
                String variable = matcher.group(1);
                String replacement = environment.apply(variable);
                if (replacement == null) {
                    throw DoraException.config(path, "refers to environment variable " + variable + ", which is not set");
                }
                matcher.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
            }
            matcher.appendTail(expanded);
            return expanded.toString();
        }

        private static String describe(JsonNode value) {
            if (value.isObject()) {
                return "a mapping";
            }
            if (value.isArray()) {
                return "a list";
            }
            return "'" + value.asText() + "'";
        }
    }

    /** Environment lookup from a fixed map, for tests. */
    public static ConfigLoader withEnvironment(Map<String, String> variables) {
        return new ConfigLoader(variables::get);
    }
}
