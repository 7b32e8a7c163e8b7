package org.dorametrics.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dorametrics.collect.CsvRecords.CsvRecord;
import org.junit.jupiter.api.Test;

class CsvRecordsTest {
    @Test
    void quotedFieldsKeepCommasQuotesAndLineBreaksAndRecordsKeepTheirFirstLine() {
        String content = "id,services,title\r\n"
                + "INC-1,\"a,b\",\"He said \"\"down\"\"\"\r\n"
                + "\n"
                + "INC-2,a,\"two\nlines\"\n"
                + "INC-3,a,last";
        List<CsvRecord> records = CsvRecords.split(content);
        assertEquals(4, records.size());
        assertEquals(1, records.get(0).line());
        assertEquals(List.of("INC-1", "a,b", "He said \"down\""), records.get(1).fields());
        assertEquals("INC-1,\"a,b\",\"He said \"\"down\"\"\"", records.get(1).text(), "the text is kept as written, without the line break");
        assertEquals(4, records.get(2).line(), "the blank line 3 is skipped but still counted");
        assertEquals(List.of("INC-2", "a", "two\nlines"), records.get(2).fields());
        assertEquals(6, records.get(3).line(), "a quoted line break moves the next record's line");
        assertEquals(List.of("INC-3", "a", "last"), records.get(3).fields());
    }

    @Test
    void emptyFieldsAreKept() {
        assertEquals(List.of("a", "", "", "d"), CsvRecords.parseFields("a,,,d"));
        assertEquals(List.of("", ""), CsvRecords.parseFields(","));
    }

    @Test
    void unterminatedQuoteIsDetected() {
        assertTrue(CsvRecords.hasUnterminatedQuote("a,\"b,c"));
        assertFalse(CsvRecords.hasUnterminatedQuote("a,\"b\"\"c\""));
    }
}
