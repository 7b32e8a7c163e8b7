package org.dorametrics.normalize;

/** A record that remembers where it came from, so a problem found later can still be reported with its raw text. */
public interface SourcedRecord {
    String id();

    String source();

    Long line();

    String rawPayload();
}
