package org.dorametrics.normalize;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dorametrics.normalize.DeploymentChangeLinker.LinkedDeployment;

/**
 * Links incidents to the successful production deployments that caused them (DORA.md §1): {@code explicit} (the
 * incident names a deployment, commit or pull request), else {@code rollback} (a rollback of a deployment happened
 * while the incident was open), else {@code window} (the latest deployment that finished within the attribution
 * window before the incident opened). Only deployments of the incident's own services are ever linked.
 */
public final class IncidentAttributor {
    public enum Method {
        EXPLICIT, ROLLBACK, WINDOW;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Attribution(String incidentId, String deploymentId, String service, Method method) {}

    /** The attributions, and the warnings about references that named nothing usable. */
    public record Result(List<Attribution> attributions, List<Reject> warnings) {}

    private final Duration window;
    private final Instant cutoff;

    public IncidentAttributor(Duration window, Instant cutoff) {
        this.window = window;
        this.cutoff = cutoff;
    }

    /**
     * @param production successful production deployments, linked, per service in finish order
     * @param pullRequests the merge or squash commits of each pull request number, per repo
     */
    public Result attribute(List<Incident> incidents, Map<String, List<LinkedDeployment>> production,
                            Map<String, String> repoOfService, Map<String, Map<Long, List<String>>> pullRequests) {
        Map<String, LinkedDeployment> byId = new LinkedHashMap<>();
        production.values().forEach(list -> list.forEach(d -> byId.put(d.deployment().id(), d)));
        List<Attribution> attributions = new ArrayList<>();
        List<Reject> warnings = new ArrayList<>();
        for (Incident incident : incidents) {
            List<Attribution> links = explicit(incident, byId, production, repoOfService, pullRequests, warnings);
            if (links.isEmpty()) {
                links = rollback(incident, production, byId);
            }
            if (links.isEmpty()) {
                links = window(incident, production);
            }
            attributions.addAll(links);
        }
        return new Result(attributions, warnings);
    }

    private List<Attribution> explicit(Incident incident, Map<String, LinkedDeployment> byId,
                                       Map<String, List<LinkedDeployment>> production, Map<String, String> repoOfService,
                                       Map<String, Map<Long, List<String>>> pullRequests, List<Reject> warnings) {
        Map<String, Attribution> links = new LinkedHashMap<>();
        if (incident.deploymentRef() != null) {
            LinkedDeployment named = byId.get(incident.deploymentRef());
            if (named == null) {
                warnings.add(warning(incident, "deployment_id", "names deployment '" + incident.deploymentRef()
                        + "', which is not a successful production deployment of the report period"));
            } else if (!incident.services().contains(named.deployment().service())) {
                warnings.add(warning(incident, "deployment_id", "names deployment '" + incident.deploymentRef() + "' of service "
                        + named.deployment().service() + ", which is not one of the incident's services " + incident.services()));
            } else {
                put(links, incident, named, Method.EXPLICIT);
            }
        }
        if (incident.commitRef() != null) {
            boolean found = false;
            for (String service : incident.services()) {
                Optional<LinkedDeployment> delivering = firstDelivering(production.get(service), incident.commitRef());
                delivering.ifPresent(d -> put(links, incident, d, Method.EXPLICIT));
                found |= delivering.isPresent();
            }
            if (!found) {
                warnings.add(warning(incident, "commit_sha", "names commit " + incident.commitRef()
                        + ", which no production deployment of " + incident.services() + " delivered"));
            }
        }
        if (incident.prRef() != null) {
            boolean found = false;
            for (String service : incident.services()) {
                List<String> shas = pullRequests.getOrDefault(repoOfService.get(service), Map.of()).getOrDefault(incident.prRef(), List.of());
                for (String sha : shas) {
                    Optional<LinkedDeployment> delivering = firstDelivering(production.get(service), sha);
                    delivering.ifPresent(d -> put(links, incident, d, Method.EXPLICIT));
                    found |= delivering.isPresent();
                }
            }
            if (!found) {
                warnings.add(warning(incident, "pr", "names pull request #" + incident.prRef()
                        + ", which no production deployment of " + incident.services() + " delivered"));
            }
        }
        return new ArrayList<>(links.values());
    }

    private List<Attribution> rollback(Incident incident, Map<String, List<LinkedDeployment>> production,
                                       Map<String, LinkedDeployment> byId) {
        Instant openUntil = incident.resolvedAt() != null ? incident.resolvedAt() : cutoff;
        Map<String, Attribution> links = new LinkedHashMap<>();
        for (String service : incident.services()) {
            production.getOrDefault(service, List.of()).stream()
                    .filter(d -> d.rollback() && d.previousDeploymentId() != null)
                    .filter(d -> !d.deployment().finishedAt().isBefore(incident.openedAt())
                            && !d.deployment().finishedAt().isAfter(openUntil))
                    .findFirst()
                    .map(d -> byId.get(d.previousDeploymentId()))
                    .ifPresent(rolledBack -> put(links, incident, rolledBack, Method.ROLLBACK));
        }
        return new ArrayList<>(links.values());
    }

    private List<Attribution> window(Incident incident, Map<String, List<LinkedDeployment>> production) {
        Instant earliest = incident.openedAt().minus(window);
        Map<String, Attribution> links = new LinkedHashMap<>();
        for (String service : incident.services()) {
            production.getOrDefault(service, List.of()).stream()
                    .filter(d -> !d.deployment().finishedAt().isAfter(incident.openedAt())
                            && !d.deployment().finishedAt().isBefore(earliest))
                    .max(Comparator.comparing((LinkedDeployment d) -> d.deployment().finishedAt()).thenComparing(d -> d.deployment().id()))
                    .ifPresent(d -> put(links, incident, d, Method.WINDOW));
        }
        return new ArrayList<>(links.values());
    }

    private static Optional<LinkedDeployment> firstDelivering(List<LinkedDeployment> deployments, String sha) {
        if (deployments == null) {
            return Optional.empty();
        }
        return deployments.stream()
                .filter(d -> d.changes().stream().anyMatch(c -> c.sha().startsWith(sha)))
                .findFirst();
    }

    private static void put(Map<String, Attribution> links, Incident incident, LinkedDeployment deployment, Method method) {
        links.putIfAbsent(deployment.deployment().id(),
                new Attribution(incident.id(), deployment.deployment().id(), deployment.deployment().service(), method));
    }

    private static Reject warning(Incident incident, String field, String reason) {
        return new Reject(incident.source(), incident.id(), incident.line(), field, Reject.Action.FLAGGED,
                reason + "; attribution falls back to rollback or window", incident.rawPayload());
    }
}
