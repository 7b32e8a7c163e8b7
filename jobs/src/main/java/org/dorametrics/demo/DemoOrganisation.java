package org.dorametrics.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.lib.TreeFormatter;

/** Writes a deterministic sample organisation (git repos, deployments, incidents, dora.yaml) for demos and end-to-end tests. */
public final class DemoOrganisation {

    public static final LocalDate AS_OF = LocalDate.of(2026, 11, 25); // a Wednesday: the last week is partial

    /** History starts on the Monday of the week 26 weeks before AS_OF. */
    private static final LocalDate START = AS_OF.minusWeeks(26).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    /** Nothing happens after AS_OF (UTC), so the data never describes the future. */
    private static final Instant END = AS_OF.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    /** Random incidents stop here, so every incident but the deliberately open one is resolved by AS_OF. */
    private static final Instant LAST_RANDOM_INCIDENT = END.minus(Duration.ofDays(6));
    private static final long SEED = 20_261_125L;

    private static final String MAIN = "main";
    private static final String PRODUCTION = "production";
    private static final String STAGING = "staging";
    private static final String SUCCESS = "success";
    private static final String FAILURE = "failure";
    private static final String CANCELLED = "cancelled";
    private static final String GITHUB_ORG = "example";
    private static final String INCIDENTS_HEADER =
            "id,services,severity,opened_at,resolved_at,title,deployment_id,commit_sha,pr,url";

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin"); // +02:00 in summer, +01:00 after 2026-10-25
    private static final ZoneId BOGOTA = ZoneId.of("America/Bogota"); // -05:00 all year
    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final Author GITHUB = new Author("GitHub", "noreply@github.com", UTC);
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX", Locale.ROOT);
    private static final DateTimeFormatter NAIVE_TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);

    private static final List<Verb> VERBS = List.of(
            new Verb("Add", "feat"), new Verb("Fix", "fix"), new Verb("Improve", "feat"), new Verb("Refactor", "refactor"),
            new Verb("Simplify", "refactor"), new Verb("Harden", "fix"), new Verb("Update", "chore"),
            new Verb("Clean up", "chore"), new Verb("Document", "docs"), new Verb("Add tests for", "test"));
    private static final List<String> FOLLOW_UPS = List.of(
            "Address review comments", "Fix lint warnings", "Add missing tests", "Rename after review",
            "Handle empty input", "Update snapshots", "Tidy up logging", "WIP");

    private final Random random = new Random(SEED);
    private final PriorityQueue<Event> timeline =
            new PriorityQueue<>(Comparator.comparing(Event::at).thenComparingLong(Event::order));
    private long scheduledEvents;
    private final List<LocalDate> workdays = workdays();
    private final Map<String, GitRepo> repos = new LinkedHashMap<>();
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<String, Team> teams = new LinkedHashMap<>();
    private final List<Deployment> deployments = new ArrayList<>();
    private final List<Incident> incidents = new ArrayList<>();
    private final List<Scenario> scenarios = new ArrayList<>();
    private final List<Cancellation> cancellations = new ArrayList<>();
    private int nextIncident = 101;
    private int randomIncidents;

    /**
     * Builds the sample organisation under sampleDirectory and returns the path of its config file
     * (sampleDirectory/dora.yaml), whose {@code output} is outputDirectory (absolute path).
     */
    public static Path build(Path sampleDirectory, Path outputDirectory) throws IOException {
        DemoOrganisation organisation = new DemoOrganisation();
        organisation.simulate();
        for (GitRepo repo : organisation.repos.values()) {
            repo.writeTo(sampleDirectory.resolve("git").resolve(repo.name + ".git"));
        }
        Path data = Files.createDirectories(sampleDirectory.resolve("data"));
        Files.writeString(data.resolve("deployments.jsonl"), organisation.deploymentsJsonLines());
        Files.writeString(data.resolve("incidents.csv"), organisation.incidentsCsv());
        Path config = sampleDirectory.resolve("dora.yaml");
        Files.writeString(config, organisation.config(outputDirectory.toAbsolutePath().normalize()));
        return config;
    }

    private DemoOrganisation() {
        Team payments = team("payments", false,
                new Author("Jonas Becker", "jonas.becker@example.com", BERLIN),
                new Author("Lena Hoffmann", "lena.hoffmann@example.com", BERLIN),
                new Author("Mehmet Yilmaz", "mehmet.yilmaz@example.com", BERLIN),
                new Author("Priya Nair", "priya.nair@example.com", UTC));
        Team storefront = team("storefront", false,
                new Author("Emily Carter", "emily.carter@example.com", BOGOTA),
                new Author("Daniel Ortiz", "daniel.ortiz@example.com", BOGOTA),
                new Author("Sofia Ramirez", "sofia.ramirez@example.com", BOGOTA),
                new Author("Tom Baker", "tom.baker@example.com", UTC),
                new Author("Anna Schmidt", "anna.schmidt@example.com", BERLIN));
        // The identity team works under a DCO, so every commit carries a Signed-off-by trailer.
        Team identity = team("identity", true,
                new Author("Katarina Novak", "katarina.novak@example.com", BERLIN),
                new Author("Ahmed Hassan", "ahmed.hassan@example.com", UTC),
                new Author("Mia Wagner", "mia.wagner@example.com", BERLIN),
                new Author("Lucas Silva", "lucas.silva@example.com", BOGOTA));
        Team insights = team("insights", false,
                new Author("Oliver Grant", "oliver.grant@example.com", UTC),
                new Author("Hannah Kim", "hannah.kim@example.com", BOGOTA),
                new Author("Felix Braun", "felix.braun@example.com", BERLIN));

        GitRepo paymentsRepo = repo("payments", "PAY", 1180, payments, PAYMENTS_FILES, List.of(), PAYMENTS_TOPICS);
        // The storefront team writes Conventional Commits subjects for its web app.
        GitRepo checkoutRepo = repo("checkout-web", "SHOP", 3410, storefront, CHECKOUT_FILES, CHECKOUT_SCOPES, CHECKOUT_TOPICS);
        GitRepo searchRepo = repo("search-api", "SRCH", 820, storefront, SEARCH_FILES, List.of(), SEARCH_TOPICS);
        GitRepo identityRepo = repo("identity-service", "IAM", 560, identity, IDENTITY_FILES, List.of(), IDENTITY_TOPICS);
        GitRepo reportingRepo = repo("reporting", "BI", 212, insights, REPORTING_FILES, List.of(), REPORTING_TOPICS);

        // A monorepo pipeline deploys a service only when its own directory or the shared library changed.
        service(new Service("payments-api", payments, paymentsRepo, BERLIN)
                .edits(concat(PAYMENTS_API_FILES, PAYMENTS_SHARED_LIBRARY), "services/payments-api/", "libs/")
                .pipeline("push", true, 0.03)
                .incidentEvery(20, "Card authorisations failing for Maestro cards",
                        "Refunds stuck in pending, customers contacting support", "Elevated 5xx on POST /charges",
                        "Webhook deliveries delayed"));
        service(new Service("payments-worker", payments, paymentsRepo, BERLIN)
                .edits(concat(PAYMENTS_WORKER_FILES, PAYMENTS_SHARED_LIBRARY), "services/payments-worker/", "libs/")
                .pipeline("push", true, 0.03)
                .incidentEvery(20, "Nightly payout batch failed", "Settlement report missing transactions",
                        "Retry queue backlog growing"));
        service(new Service("checkout-web", storefront, checkoutRepo, UTC)
                .edits(CHECKOUT_FILES, "")
                .pipeline("push", false, 0.012)
                .incidentEvery(45, "Checkout error rate above 2%", "Cart totals wrong for bundle discounts",
                        "Address form rejects valid postcodes", "Promo codes not applied at checkout",
                        "Slow checkout page load"));
        service(new Service("search-api", storefront, searchRepo, UTC)
                .edits(SEARCH_FILES, "")
                .pipeline("push", false, 0.02)
                .incidentEvery(20, "Search latency p99 above 2 s", "Empty results for accented queries",
                        "Facet counts off by one page", "Autocomplete returns discontinued products"));
        service(new Service("identity-service", identity, identityRepo, UTC)
                .edits(IDENTITY_FILES, "")
                .pipeline("manual", true, 0.04)
                .incidentEvery(9, "Login errors for EU users", "Token refresh failing for mobile apps", "MFA codes rejected",
                        "Password reset e-mails not sent")
                .tagged(new Tagging("v1.", 4, false)));
        service(new Service("reporting", insights, reportingRepo, BOGOTA)
                .edits(REPORTING_FILES, "")
                .pipeline("manual", false, 0.0)
                .incidentEvery(4, "Revenue report totals do not match finance", "Churn dashboard empty", "PDF export times out")
                .tagged(new Tagging("v3.", 1, true)));
        services.values().forEach(service -> service.releasesUntilIncident = releasesUntilIncident(service));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The plan: each service schedules its changes, pipeline runs and scripted incidents; the timeline then plays them
    // in time order, so every deployment sees main exactly as it was at that moment.
    // ---------------------------------------------------------------------------------------------------------------

    private void simulate() {
        planPayments();
        planCheckoutWeb();
        planSearchApi();
        planIdentityService();
        planReporting();
        planDataQualityProblems();
        while (!timeline.isEmpty()) {
            Event event = timeline.poll();
            if (event.at().isBefore(END)) {
                event.action().run();
            }
        }
        checkStory();
    }

    /** payments-api and payments-worker share one Go monorepo; each pipeline only deploys when its own paths changed. */
    private void planPayments() {
        Service api = services.get("payments-api");
        Service worker = services.get("payments-worker");
        for (LocalDate day : workdays) {
            int changes = 1 + random.nextInt(3);
            for (int i = 0; i < changes; i++) {
                double area = random.nextDouble();
                Service owner = area < 0.45 ? api : worker;
                List<String> paths = area < 0.85 ? pickFiles(owner.files, 1, 3) : bothPaymentServices();
                scheduleChange(owner, day, changeKind(0, 50, 20, 30), paths, Duration.ofHours(4), Duration.ofDays(3), 4);
            }
            if (chance(0.55)) {
                scheduleRelease(api, utcTime(day, 9, 15));
            }
            if (chance(0.45)) {
                scheduleRelease(worker, utcTime(day, 9, 15));
            }
        }
        scenarios.add(new Scenario(api, LocalDate.of(2026, 7, 14), new IncidentPlan(List.of(api.name), "sev1",
                "Duplicate charges for card payments after gateway retry", Duration.ofMinutes(40), Reference.DEPLOYMENT,
                Remedy.ROLLBACK, new Hotfix("hotfix/idempotency-key-reuse", "hotfix: reject reused idempotency keys on capture",
                        ChangeKind.PULL_REQUEST, true, true), false)));
        scenarios.add(new Scenario(worker, LocalDate.of(2026, 9, 15), new IncidentPlan(List.of(api.name, worker.name), "sev2",
                "Payment confirmations delayed for up to 40 minutes", Duration.ofHours(2), Reference.NONE,
                Remedy.FIX_FORWARD, null, false)));
        cancellations.add(new Cancellation(worker, LocalDate.of(2026, 10, 20)));
    }

    /** checkout-web: small squash-merged pull requests all day and continuous deployment several times a day. */
    private void planCheckoutWeb() {
        Service web = services.get("checkout-web");
        for (LocalDate day : workdays) {
            int changes = 3 + random.nextInt(4);
            for (int i = 0; i < changes; i++) {
                scheduleChange(web, day, changeKind(70, 20, 0, 10), pickFiles(web.files, 1, 3),
                        Duration.ofHours(1), Duration.ofHours(8), 3);
            }
            int pipelineRuns = 6 + random.nextInt(4);
            for (int i = 0; i < pipelineRuns; i++) {
                scheduleRelease(web, utcTime(day, 8, 21));
            }
        }
        scenarios.add(new Scenario(web, LocalDate.of(2026, 8, 18), new IncidentPlan(List.of(web.name), "sev2",
                "Checkout \"Pay now\" button unresponsive on Safari", Duration.ofMinutes(50), Reference.COMMIT,
                Remedy.REVERT, null, false)));
        cancellations.add(new Cancellation(web, LocalDate.of(2026, 7, 8)));
    }

    /** search-api: pull requests reviewed over a day or two, deployed once a day. */
    private void planSearchApi() {
        Service search = services.get("search-api");
        for (LocalDate day : workdays) {
            int changes = 1 + random.nextInt(2);
            for (int i = 0; i < changes; i++) {
                scheduleChange(search, day, changeKind(25, 50, 0, 25), pickFiles(search.files, 1, 3),
                        Duration.ofHours(3), Duration.ofDays(2), 4);
            }
            scheduleRelease(search, utcTime(day, 14, 17));
        }
        scenarios.add(new Scenario(search, LocalDate.of(2026, 6, 23), new IncidentPlan(List.of(search.name), "sev2",
                "Search results ignore the out-of-stock filter", Duration.ofMinutes(90), Reference.DEPLOYMENT,
                Remedy.HOTFIX, new Hotfix("hotfix/out-of-stock-filter", "hotfix: apply out-of-stock filter before ranking",
                        ChangeKind.PULL_REQUEST, false, true), false)));
        scenarios.add(new Scenario(search, LocalDate.of(2026, 10, 27), new IncidentPlan(List.of(search.name), "sev3",
                "Ranking regression for multi-word queries", Duration.ofHours(2), Reference.NONE,
                Remedy.ROLLBACK, null, false)));
        scenarios.add(new Scenario(search, LocalDate.of(2026, 11, 24), new IncidentPlan(List.of(search.name), "sev3",
                "Slow autocomplete responses in the EU region", Duration.ofHours(1), Reference.NONE,
                Remedy.FIX_FORWARD, null, true)));
        // A manual redeploy of the running revision, e.g. to pick up rotated secrets; before the daily pipeline run.
        Instant redeployAt = Instant.parse("2026-10-14T11:05:00Z");
        schedule(redeployAt, () -> redeploy(search, redeployAt));
    }

    /** identity-service: long-lived branches merged locally or via pull request, released every Tuesday. */
    private void planIdentityService() {
        Service identity = services.get("identity-service");
        for (LocalDate day : workdays) {
            int changes = random.nextInt(3);
            for (int i = 0; i < changes; i++) {
                scheduleChange(identity, day, changeKind(0, 40, 45, 15), pickFiles(identity.files, 1, 3),
                        Duration.ofDays(1), Duration.ofDays(10), 6);
            }
            if (day.getDayOfWeek() == DayOfWeek.TUESDAY) {
                scheduleRelease(identity, utcTime(day, 8, 10));
            }
        }
        scenarios.add(new Scenario(identity, LocalDate.of(2026, 8, 4), new IncidentPlan(List.of(identity.name), "sev2",
                "SSO logins fail for customers using Okta", Duration.ofHours(3), Reference.NONE,
                Remedy.HOTFIX, new Hotfix("hotfix/saml-clock-skew", "hotfix: allow 2 minutes of clock skew in SAML assertions",
                        ChangeKind.BRANCH_MERGE, true, false), false)));
        // A branch still under development at AS_OF: it must not count, because only main is analysed.
        Instant lastPasskeyCommit = Instant.parse("2026-11-18T14:40:00Z");
        schedule(lastPasskeyCommit, () -> {
            Author author = identity.team.members().get(0);
            Branch passkeys = writeBranch(identity, author, lastPasskeyCommit.minus(Duration.ofDays(23)), lastPasskeyCommit, 6,
                    "Add passkey (WebAuthn) registration", pickFiles(identity.files, 2, 3), signOff(identity, author));
            identity.repo.objects.setRef("refs/heads/feature/passkeys", passkeys.tip());
        });
    }

    /** reporting: branches open for weeks and one release on the first Wednesday of each month. */
    private void planReporting() {
        Service reporting = services.get("reporting");
        for (LocalDate day : workdays) {
            if (chance(0.7)) {
                scheduleChange(reporting, day, changeKind(0, 70, 0, 30), pickFiles(reporting.files, 1, 3),
                        Duration.ofDays(5), Duration.ofDays(21), 5);
            }
            if (day.getDayOfWeek() == DayOfWeek.WEDNESDAY && day.getDayOfMonth() <= 7) {
                scheduleRelease(reporting, utcTime(day, 15, 17));
            }
        }
        // Nothing was deployed in the previous 24 hours, so no deployment can be blamed.
        Instant opened = Instant.parse("2026-08-19T14:20:00Z");
        schedule(opened, () -> newIncident(List.of(reporting.name), "sev3", opened,
                "Monthly revenue dashboard shows stale figures", reporting.ciZone).resolve(opened.plus(Duration.ofHours(27))));
    }

    /** Exactly two malformed deployment lines and one malformed incident row, so the demo shows its rejects table. */
    private void planDataQualityProblems() {
        Service search = services.get("search-api");
        // finished_at without an offset
        Instant naiveStart = Instant.parse("2026-09-01T09:53:27Z");
        schedule(naiveStart, () -> deployments.add(new Deployment(nextDeploymentId(search), search.name, PRODUCTION, SUCCESS,
                naiveStart, Instant.parse("2026-09-01T10:00:00Z"), search.repo.head().id().name(), search.repo.name,
                search.repo.nextPipelineUrl(), "manual", MAIN, List.of(), search.ciZone, true)));
        // a service that dora.yaml does not know
        Instant legacyStart = Instant.parse("2026-07-20T16:02:11Z");
        schedule(legacyStart, () -> deployments.add(new Deployment("legacy-billing-0001", "legacy-billing", PRODUCTION, SUCCESS,
                legacyStart, legacyStart.plus(Duration.ofMinutes(7)), randomSha(), "legacy-billing",
                "https://ci.example.com/legacy-billing/pipelines/77", "push", MAIN, List.of(), UTC, false)));
        // resolved 45 minutes before it was opened
        Instant typoOpened = Instant.parse("2026-10-07T13:20:00Z");
        schedule(typoOpened, () -> newIncident(List.of("checkout-web"), "sev4", typoOpened,
                "Typo in order confirmation e-mail", UTC).resolve(typoOpened.minus(Duration.ofMinutes(45))));
    }

    /** The story must come out whole whatever the random draws: fail loudly rather than write a half-told one. */
    private void checkStory() {
        if (!scenarios.isEmpty() || !cancellations.isEmpty()) {
            throw new IllegalStateException("Scripted events never happened: " + scenarios + " " + cancellations);
        }
        long open = incidents.stream().filter(incident -> incident.resolvedAt == null).count();
        if (open != 1) {
            throw new IllegalStateException("Expected exactly one incident open at " + AS_OF + " but found " + open);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Changes to main
    // ---------------------------------------------------------------------------------------------------------------

    private void scheduleChange(Service service, LocalDate day, ChangeKind kind, List<String> paths,
                                Duration minBranchAge, Duration maxBranchAge, int maxBranchCommits) {
        Author author = pick(service.team.members());
        Instant at = workingTime(day, author.zone());
        Duration branchAge = between(minBranchAge, maxBranchAge);
        int branchCommits = 1 + random.nextInt(maxBranchCommits);
        schedule(at, () -> {
            Title title = title(service.repo);
            List<String> trailers = trailers(service, author);
            switch (kind) {
                case DIRECT -> commitDirectly(service, author, at, title.text(), paths, trailers);
                case SQUASH -> squashMerge(service, author, at, branchAge, branchCommits, title.text(), paths, trailers);
                case PULL_REQUEST, BRANCH_MERGE -> mergeBranch(service, author, at, branchAge, branchCommits, title.branch(),
                        title.text(), paths, kind, trailers);
            }
        });
    }

    /** Committed locally and pushed a little later, so the author time precedes the committer time slightly. */
    private void commitDirectly(Service service, Author author, Instant at, String subject, List<String> paths,
                                List<String> trailers) {
        Instant authored = at.minus(minutes(0, 45));
        service.repo.commitToMain(List.of(), service.repo.edit(paths, subject), author.at(authored), author.at(at),
                message(subject, "", trailers), 0);
    }

    /** GitHub's squash merge: one commit on main, authored when the branch started, committed by GitHub at merge time. */
    private void squashMerge(Service service, Author author, Instant at, Duration branchAge, int branchCommits,
                             String title, List<String> paths, List<String> trailers) {
        int pullRequest = service.repo.nextPullRequest();
        List<String> squashed = new ArrayList<>(List.of(title));
        for (int i = 1; i < branchCommits; i++) {
            squashed.add(pick(FOLLOW_UPS));
        }
        String subject = title + " (#" + pullRequest + ")";
        String body = squashed.stream().map(line -> "* " + line).collect(Collectors.joining("\n\n"));
        service.repo.commitToMain(List.of(), service.repo.edit(paths, subject), author.at(at.minus(branchAge)), GITHUB.at(at),
                message(subject, body, trailers), pullRequest);
    }

    /** A real two-parent merge of a branch that was started {@code branchAge} before {@code at}. */
    private Merge mergeBranch(Service service, Author author, Instant at, Duration branchAge, int branchCommits,
                              String branchName, String title, List<String> paths, ChangeKind kind, List<String> trailers) {
        Branch branch = writeBranch(service, author, at.minus(branchAge), at.minus(minutes(5, 15)), branchCommits, title, paths,
                trailers);
        int pullRequest = 0;
        String message;
        Author committer;
        if (kind == ChangeKind.PULL_REQUEST) {
            pullRequest = service.repo.nextPullRequest();
            message = message("Merge pull request #" + pullRequest + " from " + GITHUB_ORG + "/" + branchName, title, List.of());
            committer = GITHUB;
        } else {
            message = message("Merge branch '" + branchName + "'", "", List.of());
            committer = author;
        }
        MainCommit merge = service.repo.commitToMain(List.of(branch.tip()), branch.changes(), author.at(at), committer.at(at),
                message, pullRequest);
        return new Merge(merge, branch);
    }

    /** Commits on a branch forked from main as it was at {@code from}; their times are spread until {@code until}. */
    private Branch writeBranch(Service service, Author author, Instant from, Instant until, int commits, String title,
                               List<String> paths, List<String> firstCommitTrailers) {
        MainCommit base = service.repo.mainAt(from);
        Instant first = base.committedAt().isAfter(from) ? base.committedAt() : from;
        List<Instant> times = new ArrayList<>();
        long span = Math.max(1, Duration.between(first, until).toSeconds());
        for (int i = 0; i < commits; i++) {
            times.add(first.plusSeconds(1 + (long) (random.nextDouble() * (span - 1))));
        }
        times.sort(Comparator.naturalOrder());
        SortedMap<String, ObjectId> files = new TreeMap<>(base.files());
        SortedMap<String, ObjectId> changes = new TreeMap<>();
        ObjectId tip = base.id();
        for (int i = 0; i < commits; i++) {
            String subject = i == 0 ? title : pick(FOLLOW_UPS);
            Map<String, ObjectId> edited = service.repo.edit(i == 0 ? paths : pickFiles(paths, 1, paths.size()), subject);
            files.putAll(edited);
            changes.putAll(edited);
            PersonIdent ident = author.at(times.get(i));
            tip = service.repo.commit(List.of(tip), files, ident, ident,
                    message(subject, "", i == 0 ? firstCommitTrailers : signOff(service, author)));
        }
        return new Branch(tip, changes, base.index());
    }

    /** {@code git revert}: restores the files the culprit changed, with git's standard subject and body. */
    private MainCommit revert(Service service, MainCommit culprit, Author author, Instant at) {
        String subject = "Revert \"" + culprit.subject() + "\"";
        String body = "This reverts commit " + culprit.id().name() + ".";
        return service.repo.commitToMain(List.of(), culprit.before(), author.at(at), author.at(at),
                message(subject, body, signOff(service, author)), 0);
    }

    private Title title(GitRepo repo) {
        Verb verb = pick(VERBS);
        String topic = pick(repo.topics);
        String plain = verb.word() + " " + topic;
        String branch = (verb.type().equals("fix") ? "fix/" : "feature/")
                + topic.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        if (repo.scopes.isEmpty()) {
            return new Title(plain, branch);
        }
        // The storefront team writes Conventional Commits subjects.
        String lowered = Character.toLowerCase(plain.charAt(0)) + plain.substring(1);
        return new Title(verb.type() + "(" + pick(repo.scopes) + "): " + lowered, branch);
    }

    private List<String> trailers(Service service, Author author) {
        List<String> trailers = new ArrayList<>();
        if (chance(0.15)) {
            trailers.add("Refs: " + service.repo.ticketPrefix + "-" + (100 + random.nextInt(900)));
        }
        if (chance(0.08)) {
            List<Author> others = service.team.members().stream().filter(member -> !member.equals(author)).toList();
            trailers.add("Co-authored-by: " + pick(others).trailer());
        }
        trailers.addAll(signOff(service, author));
        return trailers;
    }

    private static List<String> signOff(Service service, Author author) {
        return service.team.signsOff() ? List.of("Signed-off-by: " + author.trailer()) : List.of();
    }

    private static String message(String subject, String body, List<String> trailers) {
        StringBuilder message = new StringBuilder(subject).append('\n');
        if (!body.isEmpty()) {
            message.append('\n').append(body).append('\n');
        }
        if (!trailers.isEmpty()) {
            message.append('\n').append(String.join("\n", trailers)).append('\n');
        }
        return message.toString();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Pipelines and deployments
    // ---------------------------------------------------------------------------------------------------------------

    private void scheduleRelease(Service service, Instant triggeredAt) {
        schedule(triggeredAt, () -> release(service, triggeredAt));
    }

    /** A pipeline run on main: deploys main's head (via staging, if any) when it changed the service since its last release. */
    private void release(Service service, Instant triggeredAt) {
        if (service.frozen || service.releasing || !service.repo.changedSince(service.releasedIndex, service.watchedPaths)) {
            return;
        }
        service.releasing = true;
        Revision revision = service.repo.head().revision();
        Pipeline pipeline = new Pipeline(Reason.CONTINUOUS, service.trigger, MAIN, List.of());
        Instant start = triggeredAt.plus(minutes(1, 3));
        if (!service.staging) {
            deployToProduction(service, revision, start, pipeline);
            return;
        }
        Deployment staging = record(service, STAGING, SUCCESS, start, revision, pipeline);
        Instant productionStart = staging.finishedAt().plus(minutes(20, 60));
        schedule(productionStart, () -> promote(service, revision, productionStart, pipeline));
    }

    /** Continues a release already under way, unless an incident froze the service meanwhile. */
    private void promote(Service service, Revision revision, Instant start, Pipeline pipeline) {
        if (service.frozen) {
            service.releasing = false;
            return;
        }
        deployToProduction(service, revision, start, pipeline);
    }

    private Deployment deployToProduction(Service service, Revision revision, Instant start, Pipeline pipeline) {
        String status = productionOutcome(service, start, pipeline);
        Deployment deployment = record(service, PRODUCTION, status, start, revision, pipeline);
        switch (status) {
            case FAILURE -> {
                Instant retry = deployment.finishedAt().plus(minutes(10, 30));
                Pipeline retryPipeline = new Pipeline(Reason.RETRY, "manual", pipeline.branch(), pipeline.labels());
                schedule(retry, () -> promote(service, revision, retry, retryPipeline));
            }
            case CANCELLED -> service.releasing = false;
            default -> released(service, deployment, revision, pipeline);
        }
        return deployment;
    }

    /** Only continuous deployments fail or get cancelled: retries and remediations are watched by a human and succeed. */
    private String productionOutcome(Service service, Instant start, Pipeline pipeline) {
        if (pipeline.reason() != Reason.CONTINUOUS) {
            return SUCCESS;
        }
        for (Iterator<Cancellation> it = cancellations.iterator(); it.hasNext(); ) {
            Cancellation cancellation = it.next();
            if (cancellation.service() == service && !start.isBefore(cancellation.from().atStartOfDay(UTC).toInstant())) {
                it.remove();
                return CANCELLED;
            }
        }
        return chance(service.failureRate) ? FAILURE : SUCCESS;
    }

    private void released(Service service, Deployment deployment, Revision revision, Pipeline pipeline) {
        service.releases.add(revision);
        service.releasedIndex = revision.mainIndex();
        service.releasing = false;
        tagRelease(service, deployment, revision, pipeline);
        if (pipeline.reason() == Reason.CONTINUOUS) {
            maybeCauseIncident(service, deployment, revision);
        }
    }

    /** identity-service tags its releases lightweight and its hotfix releases annotated; reporting annotates every release. */
    private void tagRelease(Service service, Deployment deployment, Revision revision, Pipeline pipeline) {
        Tagging tagging = service.tagging;
        boolean hotfix = pipeline.reason() == Reason.HOTFIX;
        if (tagging == null || !(hotfix || pipeline.reason() == Reason.CONTINUOUS || pipeline.reason() == Reason.RETRY)) {
            return;
        }
        String version = hotfix ? tagging.prefix + (tagging.minor - 1) + "." + (++tagging.patch)
                : tagging.prefix + tagging.minor++ + ".0";
        if (!hotfix) {
            tagging.patch = 0;
        }
        ObjectId target = revision.id();
        if (tagging.annotated || hotfix) {
            TagBuilder tag = new TagBuilder();
            tag.setObjectId(revision.id(), Constants.OBJ_COMMIT);
            tag.setTag(version);
            tag.setTagger(service.team.members().get(0).at(deployment.startedAt()));
            tag.setMessage((hotfix ? "Hotfix release " : "Release ") + version + "\n");
            target = service.repo.objects.insert(tag);
        }
        service.repo.objects.setRef(Constants.R_TAGS + version, target);
    }

    /** The same revision again, started by hand (e.g. to pick up rotated secrets). */
    private void redeploy(Service service, Instant at) {
        Revision running = service.releases.get(service.releases.size() - 1);
        deployToProduction(service, running, at, new Pipeline(Reason.REDEPLOY, "manual", MAIN, List.of("redeploy")));
    }

    private Deployment record(Service service, String environment, String status, Instant start, Revision revision,
                              Pipeline pipeline) {
        Duration duration = status.equals(CANCELLED) ? minutes(1, 3) : minutes(3, 12);
        Deployment deployment = new Deployment(nextDeploymentId(service), service.name, environment, status, start,
                start.plus(duration), revision.id().name(), service.repo.name, service.repo.nextPipelineUrl(), pipeline.trigger(),
                pipeline.branch(), pipeline.labels(), service.ciZone, false);
        deployments.add(deployment);
        return deployment;
    }

    private static String nextDeploymentId(Service service) {
        return String.format(Locale.ROOT, "%s-%04d", service.name, ++service.deploymentCount);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Incidents and their remedies
    // ---------------------------------------------------------------------------------------------------------------

    private void maybeCauseIncident(Service service, Deployment deployment, Revision revision) {
        IncidentPlan plan = incidentPlan(service, deployment.finishedAt());
        if (plan == null) {
            return;
        }
        int releases = service.releases.size();
        Cause cause = new Cause(deployment, revision, releases >= 2 ? service.releases.get(releases - 2) : null);
        Instant opened = deployment.finishedAt().plus(plan.openDelay());
        schedule(opened, () -> openIncident(service, cause, plan, opened));
    }

    /**
     * A scripted incident if one is due for this service, otherwise a random one every so many releases. Drawing the gap
     * between incidents (rather than tossing a coin per release) keeps the incident count close to its target.
     */
    private IncidentPlan incidentPlan(Service service, Instant releasedAt) {
        IncidentPlan scripted = takeScenario(service, releasedAt);
        if (scripted != null || --service.releasesUntilIncident > 0) {
            return scripted;
        }
        service.releasesUntilIncident = releasesUntilIncident(service);
        return releasedAt.isBefore(LAST_RANDOM_INCIDENT) ? randomIncident(service) : null;
    }

    /** Between half and one and a half times the service's mean gap. */
    private int releasesUntilIncident(Service service) {
        int mean = service.releasesPerIncident;
        return mean / 2 + 1 + random.nextInt(mean);
    }

    private IncidentPlan takeScenario(Service service, Instant at) {
        for (Iterator<Scenario> it = scenarios.iterator(); it.hasNext(); ) {
            Scenario scenario = it.next();
            if (scenario.service() == service && !at.isBefore(scenario.from().atStartOfDay(UTC).toInstant())) {
                it.remove();
                return scenario.plan();
            }
        }
        return null;
    }

    /** One in five names the deployment, one in five the commit; the rest are left to the attribution window. */
    private IncidentPlan randomIncident(Service service) {
        int severity = random.nextInt(100);
        String level = severity < 5 ? "sev1" : severity < 25 ? "sev2" : severity < 65 ? "sev3" : "sev4";
        Reference reference = switch (randomIncidents++ % 5) {
            case 0 -> Reference.DEPLOYMENT;
            case 1 -> Reference.COMMIT;
            default -> Reference.NONE;
        };
        return new IncidentPlan(List.of(service.name), level, pick(service.incidentTitles),
                between(Duration.ofMinutes(30), Duration.ofHours(6)), reference, Remedy.FIX_FORWARD, null, false);
    }

    private void openIncident(Service service, Cause cause, IncidentPlan plan, Instant opened) {
        Incident incident = newIncident(plan.services(), plan.severity(), opened, plan.title(), service.ciZone);
        if (plan.reference() == Reference.DEPLOYMENT) {
            incident.deploymentId = cause.deployment().id();
        } else if (plan.reference() == Reference.COMMIT) {
            MainCommit culprit = culprit(service, cause);
            incident.commitSha = culprit.id().name();
            incident.pullRequest = culprit.pullRequest();
        }
        switch (plan.remedy()) {
            case FIX_FORWARD -> {
                if (!plan.staysOpen()) {
                    incident.resolve(opened.plus(restoreTime(plan.severity())));
                }
            }
            case ROLLBACK -> {
                service.frozen = true;
                Instant at = opened.plus(minutes(20, 40));
                schedule(at, () -> rollBack(service, cause, plan, incident, at));
            }
            case REVERT -> {
                service.frozen = true;
                Instant at = opened.plus(minutes(25, 45));
                MainCommit culprit = culprit(service, cause);
                schedule(at, () -> revertAndRelease(service, culprit, incident, at));
            }
            case HOTFIX -> {
                service.frozen = true;
                Instant at = opened.plus(minutes(60, 120));
                schedule(at, () -> hotfix(service, plan.hotfix(), incident, at));
            }
        }
    }

    /** Redeploys the last good release: an ancestor of the bad one. A hotfix may follow to fix forward. */
    private void rollBack(Service service, Cause cause, IncidentPlan plan, Incident incident, Instant at) {
        if (cause.previous() == null) {
            throw new IllegalStateException(service.name + " has no earlier release to roll back to");
        }
        Deployment rollback = deployToProduction(service, cause.previous(), at,
                new Pipeline(Reason.ROLLBACK, "manual", MAIN, List.of("rollback")));
        incident.resolve(rollback.finishedAt().plus(minutes(5, 20)));
        if (plan.hotfix() == null) {
            service.frozen = false;
            return;
        }
        Instant hotfixAt = at.plus(minutes(90, 150));
        schedule(hotfixAt, () -> hotfix(service, plan.hotfix(), incident, hotfixAt));
    }

    private void revertAndRelease(Service service, MainCommit culprit, Incident incident, Instant at) {
        MainCommit revert = revert(service, culprit, pick(service.team.members()), at);
        Instant start = at.plus(minutes(8, 15));
        schedule(start, () -> {
            Deployment deployment = deployToProduction(service, revert.revision(), start,
                    new Pipeline(Reason.REVERT, service.trigger, MAIN, List.of()));
            incident.resolve(deployment.finishedAt().plus(minutes(5, 15)));
            service.frozen = false;
        });
    }

    /** A one-commit hotfix/... branch referencing the incident, merged to main and deployed within the hour. */
    private void hotfix(Service service, Hotfix hotfix, Incident incident, Instant at) {
        Author author = pick(service.team.members());
        List<String> trailers = new ArrayList<>(List.of("Refs: " + incident.id));
        trailers.addAll(signOff(service, author));
        Merge merge = mergeBranch(service, author, at, minutes(40, 60), 1, hotfix.branch(), hotfix.subject(),
                pickFiles(service.files, 1, 2), hotfix.mergeKind(), trailers);
        Revision deployed = hotfix.deployBranchTip()
                ? new Revision(merge.branch().tip(), merge.branch().forkIndex())
                : merge.commit().revision();
        Pipeline pipeline = new Pipeline(Reason.HOTFIX, "manual", hotfix.deployBranchTip() ? hotfix.branch() : MAIN,
                hotfix.labelled() ? List.of("hotfix") : List.of());
        Instant start = at.plus(minutes(10, 20));
        schedule(start, () -> {
            Deployment deployment = deployToProduction(service, deployed, start, pipeline);
            if (incident.resolvedAt == null) {
                incident.resolve(deployment.finishedAt().plus(minutes(5, 25)));
            }
            service.frozen = false;
        });
    }

    /** The change most likely to have broken a release: the newest non-merge commit it shipped for this service. */
    private static MainCommit culprit(Service service, Cause cause) {
        List<MainCommit> main = service.repo.main;
        int oldest = cause.previous() == null ? 1 : cause.previous().mainIndex() + 1;
        for (int i = cause.revision().mainIndex(); i >= Math.max(1, oldest); i--) {
            MainCommit commit = main.get(i);
            if (!commit.merge() && commit.touches(service.watchedPaths)) {
                return commit;
            }
        }
        return main.get(cause.revision().mainIndex());
    }

    private Incident newIncident(List<String> affected, String severity, Instant opened, String title, ZoneId zone) {
        Incident incident = new Incident("INC-" + nextIncident++, affected, severity, opened, title, zone);
        incidents.add(incident);
        return incident;
    }

    private Duration restoreTime(String severity) {
        return switch (severity) {
            case "sev1" -> between(Duration.ofMinutes(15), Duration.ofHours(2));
            case "sev2" -> between(Duration.ofHours(1), Duration.ofHours(8));
            case "sev3" -> between(Duration.ofHours(3), Duration.ofDays(2));
            default -> between(Duration.ofDays(1), Duration.ofDays(4));
        };
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Output files
    // ---------------------------------------------------------------------------------------------------------------

    private String deploymentsJsonLines() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        StringBuilder lines = new StringBuilder();
        List<Deployment> sorted = new ArrayList<>(deployments);
        sorted.sort(Comparator.comparing(Deployment::finishedAt).thenComparing(Deployment::id));
        for (Deployment d : sorted) {
            ObjectNode line = mapper.createObjectNode();
            line.put("id", d.id());
            line.put("service", d.service());
            line.put("environment", d.environment());
            line.put("status", d.status());
            line.put("started_at", timestamp(d.startedAt(), d.zone()));
            line.put("finished_at", d.finishedWithoutOffset()
                    ? LocalDateTime.ofInstant(d.finishedAt(), UTC).format(NAIVE_TIMESTAMP)
                    : timestamp(d.finishedAt(), d.zone()));
            line.put("commit_sha", d.commitSha());
            line.put("repo", d.repo());
            line.put("url", d.url());
            line.put("trigger", d.trigger());
            line.put("branch", d.branch());
            if (!d.labels().isEmpty()) {
                ArrayNode labels = line.putArray("labels");
                d.labels().forEach(labels::add);
            }
            lines.append(mapper.writeValueAsString(line)).append('\n');
        }
        return lines.toString();
    }

    private String incidentsCsv() {
        StringBuilder csv = new StringBuilder(INCIDENTS_HEADER).append('\n');
        for (Incident incident : incidents) {
            List<String> fields = List.of(incident.id, String.join(",", incident.services), incident.severity,
                    timestamp(incident.openedAt, incident.zone),
                    incident.resolvedAt == null ? "" : timestamp(incident.resolvedAt, incident.zone),
                    incident.title, nullToEmpty(incident.deploymentId), nullToEmpty(incident.commitSha),
                    incident.pullRequest == 0 ? "" : String.valueOf(incident.pullRequest),
                    "https://incidents.example.com/" + incident.id);
            csv.append(fields.stream().map(DemoOrganisation::csvField).collect(Collectors.joining(","))).append('\n');
        }
        return csv.toString();
    }

    /** RFC 4180: quote a field only when it holds a comma, a quote or a line break, doubling inner quotes. */
    private static String csvField(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    private String config(Path output) throws IOException {
        StringBuilder yaml = new StringBuilder("# Sample organisation written by org.dorametrics.demo.DemoOrganisation (as of ")
                .append(AS_OF).append(").\n");
        // A JSON string is a valid YAML double-quoted scalar, whatever characters the path holds.
        yaml.append("output: ").append(new ObjectMapper().writeValueAsString(output.toString())).append('\n');
        yaml.append("reporting: {timezone: UTC, week_start: MONDAY, benchmark: \"2024\", trailing_weeks: 12, min_samples: 5}\n");
        yaml.append("repos:\n");
        repos.values().forEach(repo -> yaml.append("  - {name: ").append(repo.name).append(", path: git/").append(repo.name)
                .append(".git, branches: [main]}\n"));
        yaml.append("services:\n");
        services.values().forEach(service -> {
            yaml.append("  - {name: ").append(service.name).append(", repo: ").append(service.repo.name);
            if (!service.watchedPaths.equals(List.of(""))) {
                // A monorepo service owns the paths its pipeline watches.
                yaml.append(", paths: [").append(service.watchedPaths.stream().map(prefix -> "\"" + prefix + "**\"")
                        .collect(Collectors.joining(", "))).append("]");
            }
            yaml.append("}\n");
        });
        yaml.append("teams:\n");
        teams.values().forEach(team -> yaml.append("  - {name: ").append(team.name()).append(", services: [")
                .append(services.values().stream().filter(s -> s.team == team).map(s -> s.name).collect(Collectors.joining(", ")))
                .append("]}\n"));
        yaml.append("""
                sources:
                  deployments: [{file: data/deployments.jsonl}]
                  incidents: [{file: data/incidents.csv}]
                rules:
                  production_environment: "(?i)^prod(uction)?$"
                  hotfix: "(?i)hotfix"
                  attribution_window: 24h
                  baseline_lookback: 30d
                  change_start: author_time
                  max_reject_ratio: 0.05
                """);
        return yaml.toString();
    }

    private static String timestamp(Instant instant, ZoneId zone) {
        return OffsetDateTime.ofInstant(instant, zone).format(TIMESTAMP);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Set-up and random helpers
    // ---------------------------------------------------------------------------------------------------------------

    private Team team(String name, boolean signsOff, Author... members) {
        Team team = new Team(name, List.of(members), signsOff);
        teams.put(name, team);
        return team;
    }

    /** A repository whose history starts with one commit importing all its files on the first morning. */
    private GitRepo repo(String name, String ticketPrefix, int firstPullRequest, Team team, List<String> files,
                         List<String> scopes, List<String> topics) {
        GitRepo repo = new GitRepo(name, ticketPrefix, firstPullRequest, scopes, topics);
        Author author = team.members().get(0);
        Instant importedAt = START.atTime(6, 0).atZone(UTC).toInstant().plusSeconds(random.nextInt(1800));
        repo.commitToMain(List.of(), repo.edit(files, "Initial import"), author.at(importedAt), author.at(importedAt),
                message("Initial import", "", List.of()), 0);
        repos.put(name, repo);
        return repo;
    }

    private void service(Service service) {
        services.put(service.name, service);
    }

    private List<String> bothPaymentServices() {
        List<String> paths = new ArrayList<>(List.of(pick(PAYMENTS_API_FILES), pick(PAYMENTS_WORKER_FILES)));
        if (chance(0.5)) {
            paths.add(pick(PAYMENTS_SHARED_LIBRARY));
        }
        return paths;
    }

    private ChangeKind changeKind(int squash, int pullRequest, int branchMerge, int direct) {
        int roll = random.nextInt(squash + pullRequest + branchMerge + direct);
        if (roll < squash) {
            return ChangeKind.SQUASH;
        }
        if (roll < squash + pullRequest) {
            return ChangeKind.PULL_REQUEST;
        }
        return roll < squash + pullRequest + branchMerge ? ChangeKind.BRANCH_MERGE : ChangeKind.DIRECT;
    }

    private void schedule(Instant at, Runnable action) {
        timeline.add(new Event(at, scheduledEvents++, action));
    }

    private static List<LocalDate> workdays() {
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate day = START; !day.isAfter(AS_OF); day = day.plusDays(1)) {
            if (day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY) {
                days.add(day);
            }
        }
        return days;
    }

    /** Between 09:00 and 18:00 local time of the author. */
    private Instant workingTime(LocalDate day, ZoneId zone) {
        return day.atTime(9, 0).atZone(zone).toInstant().plusSeconds(random.nextInt(9 * 3600));
    }

    private Instant utcTime(LocalDate day, int fromHour, int untilHour) {
        return day.atTime(fromHour, 0).atZone(UTC).toInstant().plusSeconds(random.nextInt((untilHour - fromHour) * 3600));
    }

    private Duration minutes(int min, int max) {
        return Duration.ofSeconds(min * 60L + random.nextInt((max - min) * 60 + 1));
    }

    private Duration between(Duration min, Duration max) {
        return min.plusSeconds((long) (random.nextDouble() * max.minus(min).toSeconds()));
    }

    private boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private List<String> pickFiles(List<String> candidates, int min, int max) {
        List<String> shuffled = new ArrayList<>(candidates);
        Collections.shuffle(shuffled, random);
        return List.copyOf(shuffled.subList(0, Math.min(shuffled.size(), min + random.nextInt(max - min + 1))));
    }

    private String randomSha() {
        byte[] raw = new byte[Constants.OBJECT_ID_LENGTH];
        random.nextBytes(raw);
        return ObjectId.fromRaw(raw).name();
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Files of each repository and what its commit subjects talk about
    // ---------------------------------------------------------------------------------------------------------------

    private static final List<String> PAYMENTS_API_FILES = List.of(
            "services/payments-api/cmd/server/main.go",
            "services/payments-api/internal/charges/handler.go",
            "services/payments-api/internal/charges/handler_test.go",
            "services/payments-api/internal/refunds/refunds.go",
            "services/payments-api/internal/refunds/refunds_test.go",
            "services/payments-api/internal/webhooks/dispatcher.go",
            "services/payments-api/internal/idempotency/store.go",
            "services/payments-api/api/openapi.yaml",
            "services/payments-api/Dockerfile");
    private static final List<String> PAYMENTS_WORKER_FILES = List.of(
            "services/payments-worker/cmd/worker/main.go",
            "services/payments-worker/internal/payouts/batcher.go",
            "services/payments-worker/internal/payouts/batcher_test.go",
            "services/payments-worker/internal/settlement/report.go",
            "services/payments-worker/internal/retries/queue.go",
            "services/payments-worker/Dockerfile");
    private static final List<String> PAYMENTS_SHARED_LIBRARY = List.of("libs/money/currency.go", "libs/money/rounding.go");
    private static final List<String> PAYMENTS_FILES = concat(concat(PAYMENTS_API_FILES, PAYMENTS_WORKER_FILES),
            concat(PAYMENTS_SHARED_LIBRARY, List.of("go.mod", "README.md", ".github/workflows/deploy.yml")));
    private static final List<String> CHECKOUT_FILES = List.of(
            "src/components/Cart.tsx", "src/components/CheckoutForm.tsx", "src/components/PaymentForm.tsx",
            "src/components/AddressForm.tsx", "src/components/PromoCode.tsx", "src/components/OrderSummary.tsx",
            "src/pages/cart.tsx", "src/pages/checkout.tsx", "src/pages/confirmation.tsx",
            "src/lib/api.ts", "src/lib/analytics.ts", "src/lib/i18n.ts", "src/lib/validation.ts",
            "src/styles/checkout.scss", "tests/cart.spec.ts", "tests/checkout.spec.ts", "vite.config.ts", "README.md");
    private static final List<String> SEARCH_FILES = List.of(
            "cmd/search-api/main.go", "internal/ranking/scorer.go", "internal/ranking/scorer_test.go",
            "internal/ranking/boosts.go", "internal/index/reader.go", "internal/index/writer.go",
            "internal/query/parser.go", "internal/query/parser_test.go", "internal/query/synonyms.go",
            "internal/http/handlers.go", "config/synonyms.yaml", "Dockerfile", "go.mod", "README.md");
    private static final List<String> IDENTITY_FILES = List.of(
            "build.gradle.kts",
            "src/main/kotlin/com/example/identity/Application.kt",
            "src/main/kotlin/com/example/identity/auth/LoginController.kt",
            "src/main/kotlin/com/example/identity/auth/SamlProvider.kt",
            "src/main/kotlin/com/example/identity/auth/OidcProvider.kt",
            "src/main/kotlin/com/example/identity/tokens/TokenService.kt",
            "src/main/kotlin/com/example/identity/tokens/RefreshTokens.kt",
            "src/main/kotlin/com/example/identity/users/UserRepository.kt",
            "src/main/kotlin/com/example/identity/mfa/TotpVerifier.kt",
            "src/main/resources/application.yaml",
            "src/test/kotlin/com/example/identity/auth/LoginControllerTest.kt",
            "src/test/kotlin/com/example/identity/tokens/TokenServiceTest.kt",
            "README.md");
    private static final List<String> REPORTING_FILES = List.of(
            "reporting/jobs/revenue.py", "reporting/jobs/churn.py", "reporting/jobs/cohorts.py",
            "reporting/sql/revenue.sql", "reporting/sql/churn.sql",
            "reporting/export/csv_export.py", "reporting/export/pdf_export.py",
            "dags/monthly_reports.py", "tests/test_revenue.py", "tests/test_cohorts.py", "requirements.txt", "README.md");

    private static final List<String> PAYMENTS_TOPICS = List.of("refund rounding", "idempotency key checks", "webhook retries",
            "currency conversion", "SEPA mandate validation", "3-D Secure challenge flow", "payout batching", "settlement report",
            "chargeback handling", "fraud score thresholds", "ledger export", "partial captures");
    private static final List<String> CHECKOUT_SCOPES = List.of("cart", "checkout", "payment", "address", "promo", "analytics",
            "i18n", "a11y");
    private static final List<String> CHECKOUT_TOPICS = List.of("address autocomplete", "promo code validation",
            "express checkout buttons", "order summary totals", "shipping estimates", "payment form errors", "guest checkout",
            "cart badge count", "tax display", "loading skeletons", "analytics events", "checkout translations");
    private static final List<String> SEARCH_TOPICS = List.of("synonym expansion", "typo tolerance", "out-of-stock filter",
            "facet counts", "ranking boosts", "query parser", "index warm-up", "pagination cursors", "autocomplete latency",
            "stop word handling", "price range filter");
    private static final List<String> IDENTITY_TOPICS = List.of("SAML assertion validation", "refresh token rotation",
            "TOTP drift window", "password reset flow", "session revocation", "OIDC discovery caching", "account lockout",
            "audit log events", "SCIM user sync", "JWT key rotation");
    private static final List<String> REPORTING_TOPICS = List.of("monthly revenue rollup", "churn cohort definitions",
            "currency normalisation", "PDF export layout", "late-arriving events", "finance reconciliation", "retention curves",
            "dashboard caching", "Airflow DAG retries");

    // ---------------------------------------------------------------------------------------------------------------
    // Model
    // ---------------------------------------------------------------------------------------------------------------

    private record Event(Instant at, long order, Runnable action) {}

    private record Author(String name, String email, ZoneId zone) {
        /** Git stores the offset in force at that instant: Berlin authors switch from +02:00 to +01:00 in October. */
        PersonIdent at(Instant when) {
            return new PersonIdent(name, email, when, zone.getRules().getOffset(when));
        }

        String trailer() {
            return name + " <" + email + ">";
        }
    }

    private record Team(String name, List<Author> members, boolean signsOff) {}

    private record Verb(String word, String type) {}

    private record Title(String text, String branch) {}

    private enum ChangeKind { DIRECT, SQUASH, PULL_REQUEST, BRANCH_MERGE }

    /** Why a production deployment ran; only CONTINUOUS ones can fail, be cancelled or cause incidents. */
    private enum Reason { CONTINUOUS, RETRY, ROLLBACK, REDEPLOY, REVERT, HOTFIX }

    private enum Reference { NONE, DEPLOYMENT, COMMIT }

    private enum Remedy { FIX_FORWARD, ROLLBACK, REVERT, HOTFIX }

    private record Pipeline(Reason reason, String trigger, String branch, List<String> labels) {}

    /** A commit and where it sits on main's first-parent chain; a hotfix branch tip counts as its fork point. */
    private record Revision(ObjectId id, int mainIndex) {}

    /** The deployment that broke something, what it shipped, and the release before it (null for a first release). */
    private record Cause(Deployment deployment, Revision revision, Revision previous) {}

    /** {@code deployBranchTip}: deploy the hotfix commit from its branch rather than the merge commit on main. */
    private record Hotfix(String branch, String subject, ChangeKind mergeKind, boolean deployBranchTip, boolean labelled) {}

    private record IncidentPlan(List<String> services, String severity, String title, Duration openDelay, Reference reference,
                                Remedy remedy, Hotfix hotfix, boolean staysOpen) {}

    /** The first continuous production deployment of the service on or after {@code from} causes this incident. */
    private record Scenario(Service service, LocalDate from, IncidentPlan plan) {}

    /** The first continuous production deployment of the service on or after {@code from} is cancelled. */
    private record Cancellation(Service service, LocalDate from) {}

    private record Branch(ObjectId tip, SortedMap<String, ObjectId> changes, int forkIndex) {}

    private record Merge(MainCommit commit, Branch branch) {}

    private record Deployment(String id, String service, String environment, String status, Instant startedAt, Instant finishedAt,
                              String commitSha, String repo, String url, String trigger, String branch, List<String> labels,
                              ZoneId zone, boolean finishedWithoutOffset) {}

    private static final class Incident {
        final String id;
        final List<String> services;
        final String severity;
        final Instant openedAt;
        final String title;
        final ZoneId zone;
        Instant resolvedAt;
        String deploymentId;
        String commitSha;
        int pullRequest;

        Incident(String id, List<String> services, String severity, Instant openedAt, String title, ZoneId zone) {
            this.id = id;
            this.services = services;
            this.severity = severity;
            this.openedAt = openedAt;
            this.title = title;
            this.zone = zone;
        }

        void resolve(Instant at) {
            resolvedAt = at;
        }
    }

    /** Release tags: {@code prefix + minor + ".0"}, hotfixes bump the patch of the running release. */
    private static final class Tagging {
        final String prefix;
        final boolean annotated;
        int minor;
        int patch;

        Tagging(String prefix, int firstMinor, boolean annotated) {
            this.prefix = prefix;
            this.minor = firstMinor;
            this.annotated = annotated;
        }
    }

    /** A deployable service: its code, how its pipeline behaves and what goes wrong with it. */
    private static final class Service {
        final String name;
        final Team team;
        final GitRepo repo;
        final ZoneId ciZone; // the offset its CI and incident tool write into timestamps
        List<String> files = List.of();        // what this service's changes edit
        List<String> watchedPaths = List.of(); // path prefixes whose changes make its pipeline deploy ("" = whole repo)
        String trigger;
        boolean staging;
        double failureRate;
        int releasesPerIncident; // on average
        List<String> incidentTitles = List.of();
        Tagging tagging;         // null: releases are not tagged

        final List<Revision> releases = new ArrayList<>(); // revisions of successful production deployments
        int deploymentCount;
        int releasesUntilIncident;
        int releasedIndex = -1;
        boolean releasing; // a release is between staging, retries and production
        boolean frozen;    // an incident is being remedied: continuous deployment waits

        Service(String name, Team team, GitRepo repo, ZoneId ciZone) {
            this.name = name;
            this.team = team;
            this.repo = repo;
            this.ciZone = ciZone;
        }

        Service edits(List<String> files, String... watchedPaths) {
            this.files = files;
            this.watchedPaths = List.of(watchedPaths);
            return this;
        }

        Service pipeline(String trigger, boolean staging, double failureRate) {
            this.trigger = trigger;
            this.staging = staging;
            this.failureRate = failureRate;
            return this;
        }

        Service incidentEvery(int releases, String... titles) {
            this.releasesPerIncident = releases;
            this.incidentTitles = List.of(titles);
            return this;
        }

        Service tagged(Tagging tagging) {
            this.tagging = tagging;
            return this;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A commit on main's first-parent chain, with the files it changed and their previous versions (for reverts). */
    private record MainCommit(int index, ObjectId id, Instant committedAt, String subject, SortedMap<String, ObjectId> files,
                              Map<String, ObjectId> changed, Map<String, ObjectId> before, boolean merge, int pullRequest) {
        Revision revision() {
            return new Revision(id, index);
        }

        boolean touches(List<String> prefixes) {
            return changed.keySet().stream().anyMatch(path -> prefixes.stream().anyMatch(path::startsWith));
        }
    }

    /** One repository's history as it is written: main's first-parent chain plus the objects of every commit. */
    private static final class GitRepo {
        final String name;
        final String ticketPrefix;
        final PackedRepository objects = new PackedRepository();
        final List<MainCommit> main = new ArrayList<>();
        final List<String> scopes; // Conventional Commits scopes; empty for plain imperative subjects
        final List<String> topics; // what its commit subjects are about
        private final Map<String, Integer> revisions = new HashMap<>();
        private int pullRequests;
        private int pipelines;

        GitRepo(String name, String ticketPrefix, int firstPullRequest, List<String> scopes, List<String> topics) {
            this.name = name;
            this.ticketPrefix = ticketPrefix;
            this.pullRequests = firstPullRequest;
            this.pipelines = 7 * firstPullRequest; // any plausible, repo-specific pipeline numbers will do
            this.scopes = scopes;
            this.topics = topics;
        }

        MainCommit head() {
            return main.get(main.size() - 1);
        }

        /** main as it was at {@code time}; the initial import if the time is earlier. */
        MainCommit mainAt(Instant time) {
            for (int i = main.size() - 1; i > 0; i--) {
                if (!main.get(i).committedAt().isAfter(time)) {
                    return main.get(i);
                }
            }
            return main.get(0);
        }

        boolean changedSince(int index, List<String> prefixes) {
            for (int i = index + 1; i < main.size(); i++) {
                if (main.get(i).touches(prefixes)) {
                    return true;
                }
            }
            return false;
        }

        int nextPullRequest() {
            return pullRequests++;
        }

        String nextPipelineUrl() {
            return "https://ci.example.com/" + name + "/pipelines/" + pipelines++;
        }

        /** New content for each path; a per-path revision number makes every edit a distinct blob. */
        SortedMap<String, ObjectId> edit(Collection<String> paths, String subject) {
            SortedMap<String, ObjectId> blobs = new TreeMap<>();
            for (String path : paths) {
                int revision = revisions.merge(path, 1, Integer::sum);
                String comment = path.endsWith(".sql") ? "--"
                        : path.matches(".*(\\.py|\\.ya?ml|\\.txt|\\.md|Dockerfile)$") ? "#" : "//";
                String content = comment + " " + path + "\n" + comment + " revision " + revision + ": " + subject + "\n";
                blobs.put(path, objects.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8)));
            }
            return blobs;
        }

        ObjectId commit(List<ObjectId> parents, SortedMap<String, ObjectId> files, PersonIdent author, PersonIdent committer,
                        String message) {
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(tree(files));
            commit.setParentIds(parents);
            commit.setAuthor(author);
            commit.setCommitter(committer);
            commit.setMessage(message);
            return objects.insert(commit);
        }

        /** Commits {@code changes} on top of main's head (plus any merged parents) and advances main. */
        MainCommit commitToMain(List<ObjectId> mergedParents, Map<String, ObjectId> changes, PersonIdent author,
                                PersonIdent committer, String message, int pullRequest) {
            SortedMap<String, ObjectId> files = main.isEmpty() ? new TreeMap<>() : new TreeMap<>(head().files());
            Map<String, ObjectId> before = new TreeMap<>();
            changes.keySet().stream().filter(files::containsKey).forEach(path -> before.put(path, files.get(path)));
            files.putAll(changes);
            List<ObjectId> parents = new ArrayList<>();
            if (!main.isEmpty()) {
                parents.add(head().id());
            }
            parents.addAll(mergedParents);
            ObjectId id = commit(parents, files, author, committer, message);
            String subject = message.lines().findFirst().orElseThrow();
            MainCommit commit = new MainCommit(main.size(), id, committer.getWhenAsInstant(), subject, files, Map.copyOf(changes),
                    before, parents.size() > 1, pullRequest);
            main.add(commit);
            return commit;
        }

        /** Git's tree order is the byte order of full paths, so consecutive paths sharing a first segment form one subtree. */
        private ObjectId tree(SortedMap<String, ObjectId> files) {
            TreeFormatter tree = new TreeFormatter();
            String directory = null;
            SortedMap<String, ObjectId> directoryFiles = new TreeMap<>();
            for (Map.Entry<String, ObjectId> file : files.entrySet()) {
                String path = file.getKey();
                int slash = path.indexOf('/');
                String segment = slash < 0 ? null : path.substring(0, slash);
                if (directory != null && !directory.equals(segment)) {
                    tree.append(directory, FileMode.TREE, tree(directoryFiles));
                    directoryFiles = new TreeMap<>();
                }
                directory = segment;
                if (segment == null) {
                    tree.append(path, FileMode.REGULAR_FILE, file.getValue());
                } else {
                    directoryFiles.put(path.substring(slash + 1), file.getValue());
                }
            }
            if (directory != null) {
                tree.append(directory, FileMode.TREE, tree(directoryFiles));
            }
            return objects.insert(Constants.OBJ_TREE, tree.toByteArray());
        }

        void writeTo(Path gitDirectory) throws IOException {
            objects.setRef(Constants.R_HEADS + MAIN, head().id());
            objects.writeTo(gitDirectory);
        }
    }

    /**
     * The objects and refs of one bare repository, written as a single pack. JGit formats and hashes every object; storing
     * them here keeps thousands of commits fast (FileRepository writes one loose file per object) and stops JGit from
     * caching file-system attributes under ~/.config, which is outside the sample directory.
     */
    private static final class PackedRepository {
        private final ObjectInserter.Formatter hasher = new ObjectInserter.Formatter();
        private final Map<ObjectId, byte[]> entries = new LinkedHashMap<>();
        private final SortedMap<String, ObjectId> refs = new TreeMap<>();
        private final Deflater deflater = new Deflater();
        private final byte[] buffer = new byte[8192];

        ObjectId insert(int type, byte[] content) {
            ObjectId id = hasher.idFor(type, content);
            entries.computeIfAbsent(id, unused -> packEntry(type, content));
            return id;
        }

        ObjectId insert(CommitBuilder commit) {
            try {
                return insert(Constants.OBJ_COMMIT, commit.build());
            } catch (UnsupportedEncodingException e) {
                throw new UncheckedIOException("UTF-8 is always supported", e);
            }
        }

        ObjectId insert(TagBuilder tag) {
            try {
                return insert(Constants.OBJ_TAG, tag.build());
            } catch (UnsupportedEncodingException e) {
                throw new UncheckedIOException("UTF-8 is always supported", e);
            }
        }

        void setRef(String name, ObjectId id) {
            refs.put(name, id);
        }

        /** Pack entry without deltas: the type-and-size header, then the zlib-deflated content. */
        private byte[] packEntry(int type, byte[] content) {
            ByteArrayOutputStream entry = new ByteArrayOutputStream(content.length / 2 + 16);
            long size = content.length;
            int header = (type << 4) | (int) (size & 0x0F);
            size >>>= 4;
            while (size != 0) {
                entry.write(header | 0x80);
                header = (int) (size & 0x7F);
                size >>>= 7;
            }
            entry.write(header);
            deflater.reset();
            deflater.setInput(content);
            deflater.finish();
            while (!deflater.finished()) {
                entry.write(buffer, 0, deflater.deflate(buffer));
            }
            return entry.toByteArray();
        }

        void writeTo(Path gitDirectory) throws IOException {
            Path packs = Files.createDirectories(gitDirectory.resolve("objects/pack"));
            Files.createDirectories(gitDirectory.resolve("objects/info"));
            Files.createDirectories(gitDirectory.resolve("refs/heads"));
            Files.createDirectories(gitDirectory.resolve("refs/tags"));
            Files.writeString(gitDirectory.resolve("HEAD"), "ref: " + Constants.R_HEADS + MAIN + "\n");
            Files.writeString(gitDirectory.resolve("config"),
                    "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n");

            ByteArrayOutputStream pack = new ByteArrayOutputStream();
            DataOutputStream packOut = new DataOutputStream(pack);
            packOut.writeBytes("PACK");
            packOut.writeInt(2);
            packOut.writeInt(entries.size());
            SortedMap<ObjectId, long[]> offsetAndCrc = new TreeMap<>();
            for (Map.Entry<ObjectId, byte[]> entry : entries.entrySet()) {
                CRC32 crc = new CRC32();
                crc.update(entry.getValue());
                offsetAndCrc.put(entry.getKey(), new long[] {pack.size(), crc.getValue()});
                packOut.write(entry.getValue());
            }
            byte[] packChecksum = sha1(pack.toByteArray());
            packOut.write(packChecksum);
            String packName = "pack-" + ObjectId.fromRaw(packChecksum).name();
            Files.write(packs.resolve(packName + ".pack"), pack.toByteArray());
            Files.write(packs.resolve(packName + ".idx"), index(offsetAndCrc, packChecksum));

            for (Map.Entry<String, ObjectId> ref : refs.entrySet()) {
                Path file = gitDirectory.resolve(ref.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, ref.getValue().name() + "\n");
            }
        }

        /** Pack index version 2: fan-out table, sorted names, CRC32s, 32-bit offsets (the pack is far below 2 GiB), checksums. */
        private static byte[] index(SortedMap<ObjectId, long[]> offsetAndCrc, byte[] packChecksum) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(0xff744f63);
            out.writeInt(2);
            int[] fanout = new int[256];
            offsetAndCrc.keySet().forEach(id -> fanout[id.getFirstByte()]++);
            int cumulative = 0;
            for (int count : fanout) {
                cumulative += count;
                out.writeInt(cumulative);
            }
            for (ObjectId id : offsetAndCrc.keySet()) {
                id.copyRawTo(out);
            }
            for (long[] entry : offsetAndCrc.values()) {
                out.writeInt((int) entry[1]);
            }
            for (long[] entry : offsetAndCrc.values()) {
                out.writeInt((int) entry[0]);
            }
            out.write(packChecksum);
            out.write(sha1(bytes.toByteArray()));
            return bytes.toByteArray();
        }

        private static byte[] sha1(byte[] content) {
            try {
                return MessageDigest.getInstance("SHA-1").digest(content);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every Java platform provides SHA-1", e);
            }
        }
    }
}
