package org.dorametrics.sources;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failures of a source's collect, scope by scope (repository, project, service, job): a scope that fails is logged
 * with how many pages it had stored (they are kept), the next scope is still collected, and the source then fails with
 * exit 3 naming every failure.
 */
public final class ScopeFailures {
    private static final Logger LOG = LoggerFactory.getLogger(ScopeFailures.class);

    private final List<String> failures = new ArrayList<>();

    /**
     * Collects one scope, named as its failure message names it; a failure is remembered, not thrown.
     *
     * @param pagesStored how many pages the source has stored so far in this run
     */
    public void collect(String scope, IntSupplier pagesStored, Runnable collect) {
        int storedBefore = pagesStored.getAsInt();
        try {
            collect.run();
        } catch (DoraException e) {
            int stored = pagesStored.getAsInt() - storedBefore;
            add(e.getMessage() + " (" + scope + ": " + (stored == 0 ? "nothing stored" : "the " + stored + " pages stored before are kept") + ")");
        }
    }

    /** A failure outside a scope's collect (the listing the scopes come from, say): logged and remembered. */
    public void add(String message) {
        LOG.error(message);
        failures.add(message);
    }

    /** Fails the source (exit 3) with every failure remembered, if there is one. */
    public void throwIfAny() {
        if (!failures.isEmpty()) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, String.join("; ", failures));
        }
    }
}
