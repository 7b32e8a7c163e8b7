package org.dorametrics.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/**
 * The schema evolution rule: a published table only ever gains columns. src/test/resources/schema-contract.json
 * records each table's columns and types as released; a schema file that drops or retypes one of them fails here —
 * such a change is a new table (a new name and directory), never an edit. A new table or column is added to the
 * contract in the same change that adds it.
 */
class SchemaContractTest {
    @Test
    void everySchemaFileKeepsTheColumnsAndTypesOfItsContract() throws IOException {
        JsonNode contract = new ObjectMapper().readTree(Path.of("src/test/resources/schema-contract.json").toFile());
        List<String> broken = new ArrayList<>();
        for (Map.Entry<String, JsonNode> table : contract.properties()) {
            Map<String, StructField> fields = new HashMap<>();
            for (StructField field : TableSchemas.load(table.getKey()).fields()) {
                fields.put(field.name(), field);
            }
            for (Map.Entry<String, JsonNode> column : table.getValue().properties()) {
                StructField field = fields.get(column.getKey());
                if (field == null) {
                    broken.add(table.getKey() + "." + column.getKey() + " was removed");
                } else if (!field.dataType().simpleString().equals(column.getValue().asText())) {
                    broken.add(table.getKey() + "." + column.getKey() + " was " + column.getValue().asText() + ", is " + field.dataType().simpleString());
                }
            }
        }
        assertEquals(List.of(), broken, "non-additive schema changes: publish a new table version instead");
        List<String> tables = new ArrayList<>();
        contract.fieldNames().forEachRemaining(tables::add);
        assertEquals(TableSchemas.ALL.stream().sorted().toList(), tables.stream().sorted().toList(), "every table has a contract");
    }
}
