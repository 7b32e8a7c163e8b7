package org.dorametrics.normalize;

import org.dorametrics.collect.RawRecord;

/** A row of the rejects table: a record left out, replaced by a later duplicate, or kept with a warning. */
public record Reject(String source, String recordId, Long line, String field, Action action, String reason, String rawPayload) {

    public enum Action {
        REJECTED, REPLACED, FLAGGED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static Reject of(RawRecord raw, String recordId, Action action, String field, String reason) {
        return new Reject(raw.source(), recordId, raw.line(), field, action, reason, raw.payload());
    }

    /** The message a user reads in the log: source, line, record and field, then what is wrong. */
    public String describe() {
        StringBuilder text = new StringBuilder(source);
        if (line != null) {
            text.append(" line ").append(line);
        }
        if (recordId != null) {
            text.append(" record ").append(recordId);
        }
        if (field != null) {
            text.append(" field ").append(field);
        }
        return text.append(": ").append(reason).append(" (").append(action.label()).append(")").toString();
    }
}
