package org.dorametrics.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.dorametrics.config.DoraConfig.ChangeStart;
import org.dorametrics.config.DoraConfig.FileFormat;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    private static final String MINIMAL = """
            repos:
              - {name: payments, path: git/payments.git}
            services:
              - {name: payments-api, repo: payments}
            teams:
              - {name: payments, services: [payments-api]}
            """;

    @TempDir
    Path folder;

    @Test
    void minimalConfigGetsEveryDocumentedDefault() throws IOException {
        DoraConfig config = load(MINIMAL);
        assertEquals(folder.resolve("dora-out").toString(), config.output());
        assertEquals(ZoneId.of("UTC"), config.reporting().timezone());
        assertEquals(DayOfWeek.MONDAY, config.reporting().weekStart());
        assertEquals("2024", config.reporting().benchmark());
        assertEquals(12, config.reporting().trailingWeeks());
        assertEquals(8, config.reporting().recomputeWeeks());
        assertEquals(5, config.reporting().minSamples());
        assertEquals(List.of("main"), config.repos().get(0).branches());
        assertEquals(folder.resolve("git/payments.git"), config.repos().get(0).path());
        assertEquals(Duration.ofHours(24), config.rules().attributionWindow());
        assertEquals(Duration.ofDays(30), config.rules().baselineLookback());
        assertEquals(ChangeStart.AUTHOR_TIME, config.rules().changeStart());
        assertEquals(0.05, config.rules().maxRejectRatio());
        assertTrue(config.rules().productionEnvironment().matcher("Production").find());
        assertTrue(!config.rules().productionEnvironment().matcher("staging").find());
        assertTrue(config.rules().hotfix().matcher("HOTFIX/login").find());
        assertTrue(config.sources().deployments().isEmpty());
        assertTrue(config.configDigest().startsWith("sha256:"));
    }

    @Test
    void fullConfigFromTheReadmeIsRead() throws IOException {
        DoraConfig config = load("""
                output: s3a://bucket/dora
                reporting: {timezone: Europe/Berlin, week_start: sunday, benchmark: "2021", trailing_weeks: 26, min_samples: 3, recompute_weeks: 13}
                repos:
                  - {name: payments, path: /srv/git/payments, branches: [main, release]}
                services:
                  - {name: payments-api, repo: payments}
                teams:
                  - {name: payments, services: [payments-api]}
                sources:
                  deployments: [{file: data/deployments.jsonl}, {file: data/more.csv}]
                  incidents: [{file: data/incidents.csv}]
                rules:
                  production_environment: "^live$"
                  hotfix: "urgent"
                  attribution_window: 90m
                  baseline_lookback: 2w
                  change_start: committer_time
                  max_reject_ratio: 0.1
                """);
        assertEquals("s3a://bucket/dora", config.output(), "a URI output is kept as written");
        assertEquals(ZoneId.of("Europe/Berlin"), config.reporting().timezone());
        assertEquals(DayOfWeek.SUNDAY, config.reporting().weekStart());
        assertEquals(26, config.reporting().trailingWeeks());
        assertEquals(13, config.reporting().recomputeWeeks());
        assertEquals(List.of("main", "release"), config.repos().get(0).branches());
        assertEquals(FileFormat.CSV, config.sources().deployments().get(1).format());
        assertEquals("file:data/deployments.jsonl", config.sources().deployments().get(0).name());
        assertEquals(folder.resolve("data/incidents.csv"), config.sources().incidents().get(0).file());
        assertEquals(Duration.ofMinutes(90), config.rules().attributionWindow());
        assertEquals(Duration.ofDays(14), config.rules().baselineLookback());
        assertEquals(ChangeStart.COMMITTER_TIME, config.rules().changeStart());
    }

    @Test
    void environmentVariablesExpand() throws IOException {
        Path file = write(MINIMAL.replace("git/payments.git", "\"${GIT_ROOT}/payments.git\""));
        DoraConfig config = ConfigLoader.withEnvironment(Map.of("GIT_ROOT", "/srv/git")).read(file);
        assertEquals(Path.of("/srv/git/payments.git"), config.repos().get(0).path());
    }

    @Test
    void unsetEnvironmentVariableNamesKeyAndVariable() throws IOException {
        Path file = write(MINIMAL.replace("git/payments.git", "\"${GIT_ROOT}/payments.git\""));
        DoraException error = assertThrows(DoraException.class, () -> ConfigLoader.withEnvironment(Map.of()).read(file));
        assertEquals("config repos[0].path: refers to environment variable GIT_ROOT, which is not set", error.getMessage());
        assertEquals(ExitCode.USAGE_OR_CONFIG, error.exitCode());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "typo in a top-level key | outptu: x | config outptu: unknown key; expected one of [alerts, git_cache, output, reporting, repos, rules, services, sources, teams]",
        "typo in a nested key | reporting: {timezon: UTC} | config reporting.timezon: unknown key; expected one of [benchmark, min_samples, recompute_weeks, timezone, trailing_weeks, week_start]",
        "bad time zone | reporting: {timezone: Mars/Olympus} | config reporting.timezone: expected an IANA time zone such as UTC or Europe/Berlin, got 'Mars/Olympus'",
        "bad week start | reporting: {week_start: Moonday} | config reporting.week_start: expected a day name (MONDAY .. SUNDAY), got 'Moonday'",
        "unknown benchmark | reporting: {benchmark: '2020'} | config reporting.benchmark: expected one of [2018, 2019, 2021, 2022, 2023, 2024], got '2020'",
        "trailing weeks out of range | reporting: {trailing_weeks: 500} | config reporting.trailing_weeks: expected a whole number from 4 to 104, got '500'",
        "recompute window of no weeks | reporting: {recompute_weeks: 0} | config reporting.recompute_weeks: expected a whole number from 1 to 520, got '0'",
        "bad regex | rules: {hotfix: '(unclosed'} | config rules.hotfix: expected a Java regular expression, got '(unclosed' (Unclosed group)",
        "bad duration | rules: {attribution_window: 1 day} | config rules.attribution_window: expected a duration such as 90m, 24h, 30d or 2w, got '1 day'",
        "unknown change start | rules: {change_start: first_push} | config rules.change_start: expected author_time, committer_time, pr_first_commit or pr_merged, got 'first_push'",
        "reject ratio above one | rules: {max_reject_ratio: 2} | config rules.max_reject_ratio: expected a number from 0.0 to 1.0, got '2'",
        "source of unknown format | sources: {deployments: [{file: d.xml}]} | config sources.deployments[0].file: expected a .jsonl or .csv file, got 'd.xml'",
    })
    void badValueStopsWithKeyAndExpectation(String why, String extraYaml, String message) throws IOException {
        DoraException error = assertThrows(DoraException.class, () -> load(MINIMAL + extraYaml + "\n"));
        assertEquals(message, error.getMessage());
        assertEquals(ExitCode.USAGE_OR_CONFIG, error.exitCode());
    }

    @Test
    void missingRequiredSectionIsNamed() throws IOException {
        DoraException error = assertThrows(DoraException.class, () -> load("repos: [{name: a, path: a}]\nservices: [{name: s, repo: a}]\n"));
        assertEquals("config teams: required key is missing; expected a list", error.getMessage());
    }

    @Test
    void referenceToUnknownRepoOrServiceIsNamed() throws IOException {
        DoraException repo = assertThrows(DoraException.class, () -> load(MINIMAL.replace("repo: payments}", "repo: paymnts}")));
        assertEquals("config services[0].repo: expected the name of one of repos [payments], got 'paymnts'", repo.getMessage());
        DoraException service = assertThrows(DoraException.class, () -> load(MINIMAL.replace("services: [payments-api]", "services: [payments-ap]")));
        assertEquals("config teams[0].services[0]: expected names of services [payments-api], got 'payments-ap'", service.getMessage());
    }

    @Test
    void teamMembershipsMayHoldBetweenDates() throws IOException {
        DoraConfig config = load("""
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}]
                teams:
                  - name: payments
                    services: [{name: payments-api, until: 2026-03-01}]
                  - name: platform
                    services:
                      - {name: payments-api, from: 2026-03-01}
                """);
        assertEquals(List.of(new DoraConfig.Membership("payments-api", null, LocalDate.of(2026, 3, 1))),
                config.teams().get(0).memberships());
        assertEquals(List.of(new DoraConfig.Membership("payments-api", LocalDate.of(2026, 3, 1), null)),
                config.teams().get(1).memberships());
        assertEquals(List.of("payments-api"), config.teams().get(1).serviceNames());
    }

    @Test
    void membershipDatesAreChecked() throws IOException {
        DoraException order = assertThrows(DoraException.class, () -> load(MINIMAL.replace("services: [payments-api]}",
                "services: [{name: payments-api, from: 2026-03-01, until: 2026-02-01}]}")));
        assertEquals("config teams[0].services[0].until: expected a date after from (2026-03-01), got 2026-02-01", order.getMessage());
        DoraException format = assertThrows(DoraException.class, () -> load(MINIMAL.replace("services: [payments-api]}",
                "services: [{name: payments-api, from: 1st March}]}")));
        assertEquals("config teams[0].services[0].from: expected a date as yyyy-mm-dd, got '1st March'", format.getMessage());
    }

    @Test
    void aServiceIsInATeamOnceAtAnyDate() throws IOException {
        DoraException twice = assertThrows(DoraException.class, () -> load(MINIMAL.replace("services: [payments-api]}",
                "services: [payments-api, payments-api]}")));
        assertEquals("config teams[0].services[1]: expected payments-api in this team once at any date, but this membership"
                + " (at every date) overlaps services[0] (at every date): its deployments would count twice", twice.getMessage());
        DoraException overlapping = assertThrows(DoraException.class, () -> load(MINIMAL.replace("services: [payments-api]}",
                "services: [{name: payments-api, until: 2026-03-02}, {name: payments-api, from: 2026-03-01}]}")));
        assertEquals("config teams[0].services[1]: expected payments-api in this team once at any date, but this membership"
                + " (from 2026-03-01) overlaps services[0] (until 2026-03-02): its deployments would count twice", overlapping.getMessage());
        DoraConfig handedBack = load(MINIMAL.replace("services: [payments-api]}",
                "services: [{name: payments-api, until: 2026-03-01}, {name: payments-api, from: 2026-06-01}]}"));
        assertEquals(2, handedBack.teams().get(0).memberships().size());
    }

    @Test
    void monorepoServicesOwnPathGlobs() throws IOException {
        DoraConfig config = load(MINIMAL.replace("{name: payments-api, repo: payments}",
                "{name: payments-api, repo: payments, paths: [\"services/payments-api/**\", \"libs/**\"]}"));
        DoraConfig.Service service = config.services().get(0);
        assertTrue(service.owns(List.of("README.md", "services/payments-api/cmd/main.go")));
        assertTrue(service.owns(List.of("libs/money/money.go")));
        assertTrue(!service.owns(List.of("services/payments-worker/main.go", "docs/x.md")));
        assertTrue(!service.owns(List.of()), "a commit that changes no file touches no path");
        DoraException error = assertThrows(DoraException.class, () -> load(MINIMAL.replace("{name: payments-api, repo: payments}",
                "{name: payments-api, repo: payments, paths: [\"services/[api\"]}")));
        assertTrue(error.getMessage().startsWith("config services[0].paths[0]: expected a glob"), error.getMessage());
    }

    @Test
    void theRollUpNameIsReserved() throws IOException {
        DoraException error = assertThrows(DoraException.class, () -> load(MINIMAL.replace("{name: payments, services", "{name: \"(organisation)\", services")));
        assertEquals("config teams[0].name: '(organisation)' is the name of the organisation roll-up row; choose another", error.getMessage());
    }

    @Test
    void duplicateNamesAreRefused() throws IOException {
        DoraException error = assertThrows(DoraException.class, () -> load(MINIMAL + "  - {name: payments, services: [payments-api]}\n"));
        assertEquals("config teams[1].name: 'payments' is defined twice; names must be unique", error.getMessage());
    }

    @Test
    void invalidYamlNamesTheLine() throws IOException {
        DoraException error = assertThrows(DoraException.class, () -> load("repos: [\n  - {name: a\n"));
        assertTrue(error.getMessage().contains("not valid YAML") && error.getMessage().contains("line"), error.getMessage());
    }

    private static final String GITHUB = """
            repos:
              - {name: payments, path: git/payments.git}
              - {name: web, path: git/web.git}
            services:
              - {name: payments-api, repo: payments}
              - {name: payments-worker, repo: payments, paths: ["worker/**"]}
              - {name: storefront, repo: web}
            teams:
              - {name: payments, services: [payments-api, payments-worker, storefront]}
            sources:
              github:
            """;

    @Test
    void githubSourceGetsItsDefaultsAndResolvesServices() throws IOException {
        DoraConfig config = load(GITHUB + """
                    - token_env: GITHUB_TOKEN
                      repositories:
                        - {github: acme/storefront, repo: web}
                        - {github: acme/payments, repo: payments, service: payments-worker}
                """);
        DoraConfig.GitHubSource github = config.sources().github().get(0);
        assertEquals("github", github.name());
        assertEquals("github:github", github.sourceName());
        assertEquals(java.net.URI.create("https://api.github.com"), github.baseUrl());
        assertEquals("GITHUB_TOKEN", github.tokenEnv());
        assertEquals(null, github.tokenFile());
        assertTrue(github.deployments() && github.pullRequests());
        assertEquals(100, github.pageSize());
        assertEquals(java.time.Duration.ofDays(1), github.overlap());
        assertEquals(List.of(new DoraConfig.GitHubRepository("acme", "storefront", "web", "storefront", DoraConfig.DeploymentsFrom.DEPLOYMENTS_API,
                        List.of(), null),
                new DoraConfig.GitHubRepository("acme", "payments", "payments", "payments-worker", DoraConfig.DeploymentsFrom.DEPLOYMENTS_API,
                        List.of(), null)), github.repositories());
    }

    @Test
    void githubEnterpriseSourceWithTokenFile() throws IOException {
        DoraConfig config = load(GITHUB + """
                    - name: ghe
                      base_url: https://ghe.example.com/api/v3/
                      token_file: secrets/ghe-token
                      repositories: [{github: acme/web, repo: web}]
                      deployments: false
                      page_size: 50
                """);
        DoraConfig.GitHubSource github = config.sources().github().get(0);
        assertEquals("github:ghe", github.sourceName());
        assertEquals(java.net.URI.create("https://ghe.example.com/api/v3"), github.baseUrl());
        assertEquals(folder.resolve("secrets/ghe-token"), github.tokenFile());
        assertTrue(!github.deployments() && github.pullRequests());
        assertEquals(50, github.pageSize());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no token            | repositories: [{github: acme/web, repo: web}]                                               | config sources.github[0]: expected exactly one of token_env
            two tokens          | {token_env: T, token_file: t, repositories: [{github: acme/web, repo: web}]}               | config sources.github[0]: expected exactly one of token_env
            unknown key         | {token_env: T, repository: [{github: acme/web, repo: web}]}                                  | config sources.github[0].repository: unknown key
            bad repository      | {token_env: T, repositories: [{github: acme, repo: web}]}                                   | config sources.github[0].repositories[0].github: expected owner/name
            unknown repo        | {token_env: T, repositories: [{github: acme/web, repo: webb}]}                              | config sources.github[0].repositories[0].repo: expected the name of one of repos [payments, web]
            ambiguous service   | {token_env: T, repositories: [{github: acme/payments, repo: payments}]}                     | config sources.github[0].repositories[0].service: repo payments has services [payments-api, payments-worker]
            foreign service     | {token_env: T, repositories: [{github: acme/web, repo: web, service: payments-api}]}        | config sources.github[0].repositories[0].service: expected one of the services of repo web [storefront]
            listed twice        | {token_env: T, repositories: [{github: acme/web, repo: web}, {github: Acme/Web, repo: web}]} | config sources.github[0].repositories[1].github: 'Acme/Web' is listed twice
            repo mapped twice   | {token_env: T, repositories: [{github: acme/web, repo: web}, {github: acme/web2, repo: web}]} | config sources.github[0].repositories[1].repo: repo web is already the repo of GitHub repository acme/web
            page size           | {token_env: T, page_size: 500, repositories: [{github: acme/web, repo: web}]}               | config sources.github[0].page_size: expected a whole number from 1 to 100
            boolean             | {token_env: T, deployments: yes please, repositories: [{github: acme/web, repo: web}]}      | config sources.github[0].deployments: expected true or false
            not a URL           | {token_env: T, base_url: "ftp://ghe", repositories: [{github: acme/web, repo: web}]}        | config sources.github[0].base_url: expected an http(s) URL
            """)
    void badGithubSourceStopsWithKeyAndExpectation(String why, String entry, String message) throws IOException {
        DoraException error = assertThrows(DoraException.class, () -> load(GITHUB + "    - " + entry + "\n"));
        assertEquals(ExitCode.USAGE_OR_CONFIG, error.exitCode());
        assertTrue(error.getMessage().startsWith(message), why + ": " + error.getMessage());
    }

    @Test
    void serviceMayBeLeftOutWhenOnlyPullRequestsAreRead() throws IOException {
        DoraConfig config = load(GITHUB + "    - {token_env: T, deployments: false, repositories: [{github: acme/payments, repo: payments}]}\n");
        assertEquals(null, config.sources().github().get(0).repositories().get(0).service());
    }

    @Test
    void secretsInGithubSettingsAreNeverEchoed() throws IOException {
        DoraException inUrl = assertThrows(DoraException.class, () -> load(GITHUB
                + "    - {token_env: T, base_url: \"https://x-access-token:ghp_SECRET1@ghe.example.com/api/v3\", repositories: [{github: a/b, repo: web}]}\n"));
        assertTrue(inUrl.getMessage().startsWith("config sources.github[0].base_url: credentials do not belong in the URL"), inUrl.getMessage());
        assertTrue(!inUrl.getMessage().contains("ghp_SECRET1") && !inUrl.getMessage().contains("x-access-token"), inUrl.getMessage());
        DoraException tokenAsName = assertThrows(DoraException.class, () -> load(GITHUB
                + "    - {token_env: \"ghp_SECRET2 \", repositories: [{github: a/b, repo: web}]}\n"));
        assertTrue(tokenAsName.getMessage().startsWith("config sources.github[0].token_env: expected the name of an environment variable"),
                tokenAsName.getMessage());
        assertTrue(!tokenAsName.getMessage().contains("ghp_SECRET2"), tokenAsName.getMessage());
        DoraException twice = assertThrows(DoraException.class, () -> load(GITHUB
                + "    - {token_env: T, repositories: [{github: a/b, repo: web}]}\n    - {token_env: T, repositories: [{github: a/c, repo: web}]}\n"));
        assertEquals("config sources.github[1].name: 'github' is defined twice; give each github source its own name", twice.getMessage());
    }

    @Test
    void urlReposAreMirroredIntoTheGitCache() throws IOException {
        DoraConfig config = load("""
                repos:
                  - {name: payments, url: "https://github.com/acme/payments.git", credentials: {username: x-access-token, token_env: GIT_TOKEN}}
                  - {name: web, url: "git@github.com:acme/web.git", credentials: {ssh_key_file: keys/deploy, known_hosts_file: keys/known_hosts}}
                  - {name: local, url: "file:///srv/git/local.git"}
                services: [{name: payments-api, repo: payments}]
                teams: [{name: payments, services: [payments-api]}]
                """);
        DoraConfig.Repo payments = config.repos().get(0);
        assertEquals(new DoraConfig.Remote("https://github.com/acme/payments.git", DoraConfig.Remote.Protocol.HTTP, "x-access-token", "GIT_TOKEN",
                null, null, null),
                payments.remote());
        assertTrue(payments.isMirrored());
        assertEquals(folder.resolve(".dora-git-cache"), payments.path().getParent(), "the default cache is beside the config");
        assertTrue(payments.path().getFileName().toString().matches("github\\.com_acme_payments\\.git-[0-9a-f]{12}"), payments.path().toString());
        DoraConfig.Remote web = config.repos().get(1).remote();
        assertEquals(DoraConfig.Remote.Protocol.SSH, web.protocol());
        assertEquals(folder.resolve("keys/deploy"), web.sshKeyFile());
        assertEquals(folder.resolve("keys/known_hosts"), web.knownHostsFile());
        assertTrue(config.repos().get(1).path().getFileName().toString().startsWith("git_github.com_acme_web.git-"));
        assertEquals(DoraConfig.Remote.Protocol.FILE, config.repos().get(2).remote().protocol());
        assertTrue(!config.repos().get(2).remote().hasToken());

        DoraConfig cached = load("git_cache: /var/cache/dora\n" + MINIMAL.replace("path: git/payments.git", "url: \"https://gitlab.example.com/acme/pay.git\""));
        assertEquals(Path.of("/var/cache/dora"), cached.repos().get(0).path().getParent());
        assertTrue(!MINIMAL.contains("url") && !load(MINIMAL).repos().get(0).isMirrored());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            both path and url     | {name: payments, path: git/p.git, url: "https://h.example/p.git"}                    | config repos[0]: expected exactly one of path (a local working copy or bare repository) or url (a remote repository, mirrored into git_cache)
            neither               | {name: payments, branches: [main]}                                                    | config repos[0]: expected exactly one of path
            credentials on a path | {name: payments, path: git/p.git, credentials: {token_env: T}}                        | config repos[0].credentials: credentials go with a url; a path is read as it is
            unknown scheme        | {name: payments, url: "ftp://h.example/p.git"}                                        | config repos[0].url: expected an https://, ssh:// or file:// url, or git@host:path, got 'ftp://h.example/p.git'
            two tokens            | {name: payments, url: "https://h.example/p.git", credentials: {username: u, token_env: T, token_file: t}} | config repos[0].credentials: expected exactly one of token_env
            no username           | {name: payments, url: "https://h.example/p.git", credentials: {token_env: T}}        | config repos[0].credentials.username: expected the user name the token signs in as
            username, no token    | {name: payments, url: "https://h.example/p.git", credentials: {username: u}}         | config repos[0].credentials: expected token_env or token_file with username
            ssh key over https    | {name: payments, url: "https://h.example/p.git", credentials: {ssh_key_file: k}}     | config repos[0].credentials.ssh_key_file: is for ssh urls
            token over ssh        | {name: payments, url: "git@h.example:p.git", credentials: {username: u, token_env: T}} | config repos[0].credentials.username: is for https urls
            token over http       | {name: payments, url: "http://h.example/p.git", credentials: {username: u, token_env: T}} | config repos[0].url: a token travels in clear text over http://
            file with credentials | {name: payments, url: "file:///srv/p.git", credentials: {username: u, token_env: T}} | config repos[0].credentials: a file:// url takes no credentials
            unknown credential    | {name: payments, url: "https://h.example/p.git", credentials: {password: x}}         | config repos[0].credentials.password: unknown key
            """)
    void badUrlRepoStopsWithKeyAndExpectation(String why, String entry, String message) throws IOException {
        DoraException error = assertThrows(DoraException.class, () -> load(MINIMAL.replace("{name: payments, path: git/payments.git}", entry)));
        assertEquals(ExitCode.USAGE_OR_CONFIG, error.exitCode());
        assertTrue(error.getMessage().startsWith(message), why + ": " + error.getMessage());
    }

    @Test
    void credentialsInAGitUrlAreRefusedWithoutBeingEchoed() throws IOException {
        for (String url : List.of("https://x-access-token:ghp_SECRET3@github.com/acme/p.git", "ssh://git:SECRET3@github.com/acme/p.git",
                "git:SECRET3@github.com:acme/p.git", "https://github.com/acme/p.git?private_token=SECRET3")) {
            DoraException error = assertThrows(DoraException.class,
                    () -> load(MINIMAL.replace("path: git/payments.git", "url: \"" + url + "\"")));
            assertEquals(ExitCode.USAGE_OR_CONFIG, error.exitCode());
            assertTrue(error.getMessage().startsWith("config repos[0].url: "), error.getMessage());
            assertTrue(!error.getMessage().contains("SECRET3"), error.getMessage());
        }
        DoraException inUrl = assertThrows(DoraException.class, () -> load(MINIMAL.replace("path: git/payments.git",
                "url: \"https://x-access-token:ghp_SECRET3@github.com/acme/p.git\"")));
        assertEquals("config repos[0].url: credentials do not belong in the url ('https://***@github.com/acme/p.git'); "
                + "name a token with credentials.token_env or credentials.token_file", inUrl.getMessage());
    }

    @Test
    void theGitCacheIsALocalFolder() throws IOException {
        DoraException error = assertThrows(DoraException.class, () -> load("git_cache: s3a://bucket/git\n" + MINIMAL));
        assertEquals("config git_cache: expected a local folder (git mirrors live on a local file system), got 's3a://bucket/git'",
                error.getMessage());
    }

    private DoraConfig load(String yaml) throws IOException {
        return ConfigLoader.withEnvironment(Map.of()).read(write(yaml));
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(folder.resolve("dora.yaml"), yaml);
    }
}
