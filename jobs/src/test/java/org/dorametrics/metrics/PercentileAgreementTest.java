package org.dorametrics.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;

/**
 * The percentiles the metrics compute ({@link PeriodFigures#percentile} and {@link PeriodFigures#median}) are Spark's
 * {@code percentile}, bit for bit, and agree with an independent sorted-array PERCENTILE_CONT to the second, on random
 * durations of every size from 1 to 200 values.
 */
class PercentileAgreementTest {
    private static final double[] LEVELS = {0.5, 0.75, 0.9};

    @Test
    void ourPercentilesAreSparksAndAgreeWithASortedArrayInterpolation() {
        Random random = new Random(20260302);
        List<Row> rows = new ArrayList<>();
        List<long[]> groups = new ArrayList<>();
        for (int group = 0; group < 200; group++) {
            long[] values = new long[group + 1];
            for (int i = 0; i < values.length; i++) {
                values[i] = (long) Math.floor(Math.exp(random.nextDouble() * 16)); // 1 s .. ~100 days, skewed like lead times
                rows.add(RowFactory.create(group, values[i]));
            }
            groups.add(values);
        }
        StructType schema = new StructType().add("g", DataTypes.IntegerType).add("seconds", DataTypes.LongType);
        TestSpark.session().createDataFrame(rows, schema).createOrReplaceTempView("durations");
        List<Row> spark = TestSpark.session().sql("SELECT percentile(seconds, array(0.5, 0.75, 0.9)) AS pct, g FROM durations GROUP BY g ORDER BY g")
                .collectAsList();
        assertEquals(groups.size(), spark.size());
        for (Row row : spark) {
            long[] values = groups.get(row.getInt(1));
            List<Double> sparks = row.getList(0);
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < LEVELS.length; i++) {
                String what = "p" + (int) (LEVELS[i] * 100) + " of " + values.length + " values";
                assertEquals(sparks.get(i), PeriodFigures.percentile(sorted, LEVELS[i]), what);
                assertEquals(percentileCont(values, LEVELS[i]), PeriodFigures.percentile(sorted, LEVELS[i]), 1.0, what);
            }
            assertEquals(sparks, Arrays.stream(PeriodFigures.percentiles(values.clone(), LEVELS)).boxed().toList(),
                    "selected percentiles of " + values.length + " values");
            assertEquals(sparks.get(0), PeriodFigures.median(values.clone()), "median of " + values.length + " values");
        }
    }

    /** PERCENTILE_CONT: the value at rank p * (n - 1) of the sorted values, interpolated linearly between neighbours. */
    static double percentileCont(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = p * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = (int) Math.ceil(rank);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
