package org.dorametrics.normalize;

/** Why one record cannot be used, and which field is at fault (null when the record as a whole is unreadable). */
public final class RecordProblem extends Exception {
    private final String field;

    public RecordProblem(String field, String reason) {
        super(reason, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
