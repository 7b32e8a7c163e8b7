package org.dorametrics.sources;

import java.util.function.BiConsumer;

/** Collects one API source (a GitHub or GitLab connection, a ticket or alerting system) into the raw zone. */
public interface ApiCollector {

    /** The source as deployments, rejects and messages name it: {@code github:acme}. */
    String sourceName();

    /**
     * Collects every scope of the source (repositories, projects, services), reporting each deployed revision
     * (config repo, commit id) it reads, so that git mining includes commits deployed from other branches. A scope that
     * fails is reported and the next one still collected; then the source fails with exit 3, keeping what was stored.
     */
    void collect(BiConsumer<String, String> deployedRevision);
}
