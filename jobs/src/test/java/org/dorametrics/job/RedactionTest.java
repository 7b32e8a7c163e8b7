package org.dorametrics.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void credentialsInLocationsAreHidden() {
        assertEquals("s3a://***@bucket/dora", Redaction.redact("s3a://AKIA123:s3cr3t@bucket/dora"));
        assertEquals("https://***@git.example.com/org/repo.git", Redaction.redact("https://x-access-token:ghs_abc@git.example.com/org/repo.git"));
        assertEquals("output hdfs://***@nn:8020/x: cannot write", Redaction.redact("output hdfs://user@nn:8020/x: cannot write"));
    }

    @Test
    void locationsWithoutCredentialsAreUnchanged() {
        assertEquals("/srv/dora-out", Redaction.redact("/srv/dora-out"));
        assertEquals("file:/tmp/x/tables", Redaction.redact("file:/tmp/x/tables"));
        assertEquals("s3a://bucket/dora", Redaction.redact("s3a://bucket/dora"));
    }
}
