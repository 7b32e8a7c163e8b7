package org.dorametrics.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
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

    /**
     * The metric rows' rounding to the millisecond is Spark's {@code round(x, 3)}, bit for bit: on percentiles and
     * means of random durations (whole, halves, quarters, tenths and any fraction), on numbers with a fourth decimal to
     * round either way, on zeros of both signs, on the largest durations and on null.
     */
    @Test
    void roundingToTheMillisecondIsSparksRound() {
        Random random = new Random(20261127);
        List<Row> rows = new ArrayList<>();
        for (double edge : new double[] {0.0, -0.0, 0.125, 0.0005, 0.0015, 0.0025, 2.675, 1.0005, 86399.9995, 0.1,
                1e15 + 0.5, 9.007199254740991e15, 1e300}) {
            rows.add(RowFactory.create(edge));
        }
        for (int i = 0; i < 20_000; i++) {
            long[] values = new long[1 + random.nextInt(12)];
            for (int j = 0; j < values.length; j++) {
                values[j] = (long) Math.floor(Math.exp(random.nextDouble() * 16));
            }
            Arrays.sort(values);
            rows.add(RowFactory.create(PeriodFigures.percentile(values, LEVELS[i % LEVELS.length])));
            rows.add(RowFactory.create((double) LongStream.of(values).sum() / values.length));
        }
        rows.add(RowFactory.create((Object) null));
        TestSpark.session().createDataFrame(rows, new StructType().add("x", DataTypes.DoubleType)).createOrReplaceTempView("unrounded");
        List<Row> rounded = TestSpark.session().sql("SELECT x, round(x, 3), "
                + MetricsStage.MetricsSql.roundedToMillisecond("x") + " FROM unrounded").collectAsList();
        assertEquals(rows.size(), rounded.size());
        for (Row row : rounded) {
            Object sparks = row.isNullAt(1) ? null : Double.doubleToRawLongBits(row.getDouble(1));
            Object ours = row.isNullAt(2) ? null : Double.doubleToRawLongBits(row.getDouble(2));
            assertEquals(sparks, ours, "round(" + row.get(0) + ", 3): " + row.get(1) + " against " + row.get(2));
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
