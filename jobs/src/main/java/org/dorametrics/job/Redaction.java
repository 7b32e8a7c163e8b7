package org.dorametrics.job;

import java.util.regex.Pattern;

/** Removes credentials from locations before they are logged or printed: {@code s3a://key:secret@bucket} → {@code s3a://***@bucket}. */
public final class Redaction {
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

    private Redaction() {}

    public static String redact(String location) {
        return location == null ? null : USER_INFO.matcher(location).replaceAll("***@");
    }
}
