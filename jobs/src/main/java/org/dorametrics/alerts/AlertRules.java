package org.dorametrics.alerts;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.dorametrics.alerts.AlertInputs.DeliveredChange;
import org.dorametrics.alerts.AlertInputs.ProductionDeployment;
import org.dorametrics.alerts.AlertInputs.SourceRecord;
import org.dorametrics.alerts.Finding.Severity;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.Alerts;
import org.dorametrics.config.DoraConfig.Membership;
import org.dorametrics.config.DoraConfig.RateRule;
import org.dorametrics.config.DoraConfig.SilenceRule;
import org.dorametrics.config.DoraConfig.Team;

/**
 * Judges each team, each team's services and each source against its own recent history (median and MAD over the
 * trailing weeks) and against the config's fixed limits, as of one day. Weeks are the seven days ending with the
 * as-of day and the seven-day blocks before it, so every week holds each weekday once; silences count working days.
 */
public final class AlertRules {
    /** Scales a MAD to a standard deviation's size for normally distributed values. */
    static final double MAD_TO_SIGMA = 1.4826;
    /** A usual gap between active days needs at least this many gaps to be told from chance. */
    static final int MIN_GAPS = 3;
    static final String WORKING_DAYS = "working_days";
    static final String RATE = "rate";
    static final String SECONDS = "seconds";

    private final List<Team> teams;
    private final Alerts settings;
    private final ZoneId zone;

    public AlertRules(DoraConfig config) {
        this.teams = config.teams();
        this.settings = config.alerts();
        this.zone = config.reporting().timezone();
    }

    /** Every finding as of {@code asOf}: teams in config order (each team, then its services), then sources by name. */
    public List<Finding> evaluate(AlertInputs inputs, LocalDate asOf) {
        List<Finding> findings = new ArrayList<>();
        for (Team team : teams) {
            judge(findings, new Subject(team.name(), null, null), asOf,
                    inputs.deployments().stream().filter(d -> owns(team, d.service(), day(d.finishedAt()))).toList(),
                    inputs.changes().stream().filter(c -> owns(team, c.service(), day(c.deployedAt()))).toList());
            for (String service : servicesOn(team, asOf)) {
                judge(findings, new Subject(team.name(), service, null), asOf,
                        inputs.deployments().stream().filter(d -> d.service().equals(service)).toList(),
                        inputs.changes().stream().filter(c -> c.service().equals(service)).toList());
            }
        }
        Map<String, Set<LocalDate>> sourceDays = new TreeMap<>();
        for (SourceRecord record : inputs.records()) {
            sourceDays.computeIfAbsent(record.source(), s -> new TreeSet<>()).add(day(record.at()));
        }
        if (settings.sourceSilence().enabled()) {
            sourceDays.forEach((source, days) -> silence(AlertRule.SOURCE_SILENCE, settings.sourceSilence(),
                    new Subject(null, null, source), days, asOf).ifPresent(findings::add));
        }
        return findings;
    }

    /** Whom a finding is about; {@link #name} is how a message names it. */
    record Subject(String team, String service, String source) {
        String name() {
            if (source != null) {
                return "source " + source;
            }
            return service != null ? team + " / " + service : team;
        }

        /** The name with an apostrophe of possession: "payments'", "core's". */
        String possessive() {
            String name = name();
            return name + (name.endsWith("s") ? "'" : "'s");
        }

        Finding finding(AlertRule rule, Severity severity, double observed, Double low, double high, String unit, String message) {
            return new Finding(rule, team, service, source, severity, observed, low, high, unit, message);
        }
    }

    private void judge(List<Finding> findings, Subject subject, LocalDate asOf, List<ProductionDeployment> deployments,
                       List<DeliveredChange> changes) {
        TreeSet<LocalDate> deployDays = new TreeSet<>();
        deployments.stream().map(d -> day(d.finishedAt())).filter(d -> !d.isAfter(asOf)).forEach(deployDays::add);
        if (settings.deploySilence().enabled()) {
            silence(AlertRule.DEPLOY_SILENCE, settings.deploySilence(), subject, deployDays, asOf).ifPresent(findings::add);
        }
        Integer limit = settings.absolute().noProductionDeployWorkingDays();
        if (limit != null && !deployDays.isEmpty()) {
            LocalDate last = deployDays.last();
            int silent = workingDaysAfter(last, asOf);
            if (silent >= limit) {
                findings.add(subject.finding(AlertRule.NO_PRODUCTION_DEPLOY, silent >= 2 * limit ? Severity.CRITICAL : Severity.WARNING,
                        silent, null, limit - 1, WORKING_DAYS, String.format(Locale.ROOT,
                                "%s has not deployed to production for %d working days (last on %s); the limit is %d.",
                                subject.name(), silent, last, limit)));
            }
        }
        List<Week> weeks = weeks(deployments, changes, asOf);
        changeFailureRate(findings, subject, asOf, weeks);
        leadTime(findings, subject, asOf, weeks);
    }

    /** A week: the seven days ending {@code 7 x index} days before the as-of day (index 0 is the current week). */
    private record Week(long deployments, long failed, List<Double> leadTimes) {
        Double changeFailureRate() {
            return deployments == 0 ? null : (double) failed / deployments;
        }

        Double leadTimeP50() {
            return leadTimes.isEmpty() ? null : median(leadTimes);
        }
    }

    private List<Week> weeks(List<ProductionDeployment> deployments, List<DeliveredChange> changes, LocalDate asOf) {
        int count = settings.windowWeeks() + 1;
        long[] deployed = new long[count];
        long[] failed = new long[count];
        List<List<Double>> leadTimes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            leadTimes.add(new ArrayList<>());
        }
        for (ProductionDeployment deployment : deployments) {
            int index = weekIndex(deployment.finishedAt(), asOf);
            if (index >= 0 && index < count) {
                deployed[index]++;
                failed[index] += deployment.failed() ? 1 : 0;
            }
        }
        for (DeliveredChange change : changes) {
            int index = weekIndex(change.deployedAt(), asOf);
            if (index >= 0 && index < count) {
                leadTimes.get(index).add((double) change.leadTimeSeconds());
            }
        }
        List<Week> weeks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            weeks.add(new Week(deployed[i], failed[i], leadTimes.get(i)));
        }
        return weeks;
    }

    private int weekIndex(Instant at, LocalDate asOf) {
        long daysBefore = ChronoUnit.DAYS.between(day(at), asOf);
        return daysBefore < 0 ? -1 : (int) (daysBefore / 7);
    }

    private void changeFailureRate(List<Finding> findings, Subject subject, LocalDate asOf, List<Week> weeks) {
        Week current = weeks.get(0);
        Double rate = current.changeFailureRate();
        RateRule rule = settings.changeFailureRate();
        if (rule.enabled() && current.deployments() >= rule.minSamples()) {
            Range range = range(history(weeks, Week::changeFailureRate), rule.minRise());
            if (range != null && rate > range.high()) {
                findings.add(subject.finding(AlertRule.CHANGE_FAILURE_RATE, range.severity(rate), rate, range.low(), range.high(), RATE,
                        String.format(Locale.ROOT, "%s change failure rate is %s over the 7 days to %s (%d of %d deployments"
                                        + " failed), against a usual %s (expected at most %s): up %s points.",
                                subject.possessive(), percent(rate), asOf, current.failed(), current.deployments(),
                                percent(range.median()), percent(range.high()), Math.round(100 * (rate - range.median())))));
            }
        }
        Double limit = settings.absolute().changeFailureRateAbove();
        if (limit != null && current.deployments() >= settings.absolute().minDeployments() && rate > limit) {
            findings.add(subject.finding(AlertRule.CHANGE_FAILURE_RATE_ABOVE, rate > 2 * limit ? Severity.CRITICAL : Severity.WARNING,
                    rate, 0.0, limit, RATE, String.format(Locale.ROOT, "%s change failure rate is %s over the 7 days to %s"
                                    + " (%d of %d deployments failed), above the limit of %s.",
                            subject.possessive(), percent(rate), asOf, current.failed(), current.deployments(), percent(limit))));
        }
    }

    private void leadTime(List<Finding> findings, Subject subject, LocalDate asOf, List<Week> weeks) {
        RateRule rule = settings.leadTime();
        Week current = weeks.get(0);
        if (!rule.enabled() || current.leadTimes().size() < rule.minSamples()) {
            return;
        }
        List<Double> history = history(weeks, Week::leadTimeP50);
        Range range = history.isEmpty() ? null : range(history, rule.minRise() * median(history));
        double p50 = current.leadTimeP50();
        if (range != null && p50 > range.high()) {
            findings.add(subject.finding(AlertRule.LEAD_TIME_P50, range.severity(p50), p50, range.low(), range.high(), SECONDS,
                    String.format(Locale.ROOT, "%s lead time p50 is %s over the 7 days to %s (%d changes), against a usual %s"
                                    + " (expected at most %s): %s longer (+%d%%).",
                            subject.possessive(), duration(p50), asOf, current.leadTimes().size(), duration(range.median()),
                            duration(range.high()), duration(p50 - range.median()),
                            range.median() > 0 ? Math.round(100 * (p50 / range.median() - 1)) : 100)));
        }
    }

    /** The weeks before the current one that have a value, oldest first. */
    private static List<Double> history(List<Week> weeks, Function<Week, Double> value) {
        List<Double> values = new ArrayList<>();
        for (int i = weeks.size() - 1; i >= 1; i--) {
            Double v = value.apply(weeks.get(i));
            if (v != null) {
                values.add(v);
            }
        }
        return values;
    }

    /**
     * The expected range: {@code median ± max(k x 1.4826 x MAD, minRise)}, the lower end not below 0; null when the
     * history has fewer than alerts.min_history_weeks values.
     */
    private Range range(List<Double> history, double minRise) {
        if (history.size() < settings.minHistoryWeeks()) {
            return null;
        }
        double median = median(history);
        double band = Math.max(settings.sensitivity() * MAD_TO_SIGMA * mad(history, median), minRise);
        return new Range(median, band);
    }

    private record Range(double median, double band) {
        double low() {
            return Math.max(0, median - band);
        }

        double high() {
            return median + band;
        }

        /** Critical when the value is past twice the band. */
        Severity severity(double value) {
            return value > median + 2 * band ? Severity.CRITICAL : Severity.WARNING;
        }
    }

    /**
     * Silence against the usual gap: the working days between consecutive active days (days with a production
     * deployment, or with a record of the source) in the window give a median and MAD; the working days since the
     * last active day must not pass {@code max(median + k x 1.4826 x MAD, minDays - 1)}.
     */
    private Optional<Finding> silence(AlertRule rule, SilenceRule settings, Subject subject, Collection<LocalDate> activeDays,
                                               LocalDate asOf) {
        List<LocalDate> days = activeDays.stream().filter(d -> !d.isAfter(asOf)).sorted().toList();
        if (days.isEmpty() || days.get(0).isAfter(asOf.minusWeeks(this.settings.minHistoryWeeks()))) {
            return Optional.empty();
        }
        LocalDate windowStart = asOf.minusWeeks(this.settings.windowWeeks()).plusDays(1);
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < days.size(); i++) {
            if (!days.get(i).isBefore(windowStart)) {
                gaps.add((double) workingDaysAfter(days.get(i - 1), days.get(i)));
            }
        }
        if (gaps.size() < MIN_GAPS) {
            return Optional.empty();
        }
        double median = median(gaps);
        double high = Math.max(median + this.settings.sensitivity() * MAD_TO_SIGMA * mad(gaps, median), settings.minDays() - 1);
        LocalDate last = days.get(days.size() - 1);
        int silent = workingDaysAfter(last, asOf);
        if (silent <= high) {
            return Optional.empty();
        }
        String usual = String.format(Locale.ROOT, "it usually goes %s working days between active days, so up to %s is expected",
                number(median), number(Math.floor(high)));
        String message = rule == AlertRule.SOURCE_SILENCE
                ? String.format(Locale.ROOT, "%s sent no records dated in the last %d working days (latest on %s); %s: check its pipeline.",
                        subject.name(), silent, last, usual)
                : String.format(Locale.ROOT, "%s has not deployed to production for %d working days (last on %s); %s.",
                        subject.name(), silent, last, usual);
        return Optional.of(subject.finding(rule, silent > 2 * high ? Severity.CRITICAL : Severity.WARNING, silent, null,
                Math.floor(high), WORKING_DAYS, message));
    }

    /** Working days d with {@code after < d <= through}. */
    int workingDaysAfter(LocalDate after, LocalDate through) {
        Set<DayOfWeek> working = settings.workingDays();
        int count = 0;
        for (LocalDate d = after.plusDays(1); !d.isAfter(through); d = d.plusDays(1)) {
            if (working.contains(d.getDayOfWeek())) {
                count++;
            }
        }
        return count;
    }

    private LocalDate day(Instant at) {
        return LocalDate.ofInstant(at, zone);
    }

    private static boolean owns(Team team, String service, LocalDate day) {
        return team.memberships().stream().anyMatch(m -> m.service().equals(service) && holds(m, day));
    }

    private static boolean holds(Membership membership, LocalDate day) {
        return (membership.from() == null || !day.isBefore(membership.from()))
                && (membership.until() == null || day.isBefore(membership.until()));
    }

    private static List<String> servicesOn(Team team, LocalDate day) {
        return team.memberships().stream().filter(m -> holds(m, day)).map(Membership::service).distinct().toList();
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Median absolute deviation from {@code median}. */
    static double mad(List<Double> values, double median) {
        return median(values.stream().map(v -> Math.abs(v - median)).toList());
    }

    static String percent(double rate) {
        return Math.round(rate * 100) + "%";
    }

    static String duration(double seconds) {
        if (seconds < 3600) {
            return Math.round(seconds / 60) + " min";
        }
        return seconds < 2 * 86_400 ? String.format(Locale.ROOT, "%.1f h", seconds / 3600)
                : String.format(Locale.ROOT, "%.1f d", seconds / 86_400);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
