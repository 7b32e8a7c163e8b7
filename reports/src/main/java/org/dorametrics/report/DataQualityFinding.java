package org.dorametrics.report;

import java.util.List;

/**
 * One line of the data quality sheet: what was found ({@code what}: a reject group "source / action / field", or a
 * check such as "incidents with no service"), how many, and the first examples as text.
 */
public record DataQualityFinding(String what, String meaning, long count, List<String> examples) {

    public DataQualityFinding {
        examples = List.copyOf(examples);
    }
}
