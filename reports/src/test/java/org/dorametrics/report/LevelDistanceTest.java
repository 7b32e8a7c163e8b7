package org.dorametrics.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the next level takes, against 2024's table, whose change failure rates and restore times are not monotonic. */
class LevelDistanceTest {

    private final LevelDistance distance = new LevelDistance(SyntheticReports.edition2024(), 5);

    @Test
    void theBestLevelHasNoNextOne() {
        assertEquals("the best level", distance.nextForDuration("elite", false));
        assertEquals("the best level", distance.nextForChangeFailureRate("elite"));
    }

    @Test
    void durationsNameTheNextBetterLevelsBound() {
        assertEquals("elite needs < 1 day", distance.nextForDuration("high", false));
        assertEquals("high needs < 1 week", distance.nextForDuration("medium", false));
        assertEquals("medium needs < 30 days", distance.nextForDuration("low", false));
        // Recovery: high and medium both publish "< 1 day"; a low team reaches high first.
        assertEquals("high needs < 1 day", distance.nextForDuration("low", true));
        assertEquals("elite needs < 1 hour", distance.nextForDuration("high", true));
    }

    @Test
    void changeFailureRateNamesTheLevelReachedFirst() {
        assertEquals("elite needs \u2264 5%", distance.nextForChangeFailureRate("high"));
        // From low: high allows 20%, medium only 10%, so high comes first.
        assertEquals("high needs \u2264 20%", distance.nextForChangeFailureRate("low"));
    }

    @Test
    void deploymentFrequencyNamesTheAnswerAsMeasured() {
        assertEquals("high needs \u2265 1 deploy day/wk", distance.nextForDeploymentFrequency("medium"));
        assertEquals("elite needs \u2265 5 deploy days/wk, \u2265 2 deploys a day",
            distance.nextForDeploymentFrequency("high"));
    }

    @Test
    void insufficientDataSaysHowManySamplesAreMissing() {
        assertEquals("a level needs 5 changes (has 3)", distance.samplesNeeded(3, "changes"));
    }

    @Test
    void humanUnitsPickTheUnitAReaderWould() {
        assertEquals("45 min", HumanUnits.duration(2700));
        assertEquals("3.2 h", HumanUnits.duration(3.2 * 3600));
        assertEquals("4.0 d", HumanUnits.duration(4 * 86_400));
        assertEquals("1 week", HumanUnits.bound(604_800));
        assertEquals("30 days", HumanUnits.bound(2_592_000));
        assertEquals("1 hour", HumanUnits.bound(3600));
        assertEquals("8%", HumanUnits.percent(0.083));
    }

    @Test
    void textFromSourcesIsNeutralisedOnlyWhenItCouldBecomeAFormula() {
        for (String hostile : new String[] {"=1+1", "+1", "-1", "@A1", "\tx", "\rx"}) {
            assertEquals("'" + hostile, CellText.neutralised(hostile));
        }
        assertEquals("fix: a = b", CellText.neutralised("fix: a = b"));
        assertEquals("", CellText.neutralised(""));
        assertEquals(null, CellText.neutralised(null));
    }
}
