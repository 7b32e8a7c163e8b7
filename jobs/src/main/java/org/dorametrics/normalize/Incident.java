package org.dorametrics.normalize;

import java.time.Instant;
import java.util.List;

/** An incident as the source gave it, validated; resolvedAt is null while open as of the report date. */
public record Incident(
        String id,
        String source,
        Long line,
        List<String> services,
        String severity,
        Instant openedAt,
        Instant resolvedAt,
        String title,
        String deploymentRef,
        String commitRef,
        Long prRef,
        String url,
        String rawPayload) implements SourcedRecord {

    public Incident asOpen() {
        return new Incident(id, source, line, services, severity, openedAt, null, title, deploymentRef, commitRef, prRef, url, rawPayload);
    }
}
