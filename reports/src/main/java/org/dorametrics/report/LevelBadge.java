package org.dorametrics.report;

/**
 * A benchmark level as a badge: the label printed in the cell, so it reads in black and white, on its own fill.
 * Fills darken from insufficient data (grey) through low to elite, so a greyscale print still orders them.
 */
enum LevelBadge {
    ELITE("elite", "1E6B34", "FFFFFF"),
    HIGH("high", "92D050", "000000"),
    MEDIUM("medium", "FFD84D", "000000"),
    LOW("low", "F4845F", "000000"),
    INSUFFICIENT_DATA("insufficient data", "D9D9D9", "000000");

    final String label;
    final String fillRgb;
    final String fontRgb;

    LevelBadge(String label, String fillRgb, String fontRgb) {
        this.label = label;
        this.fillRgb = fillRgb;
        this.fontRgb = fontRgb;
    }

    static LevelBadge of(String label) {
        for (LevelBadge badge : values()) {
            if (badge.label.equals(label)) {
                return badge;
            }
        }
        // A level the legend cannot explain is a bug upstream; an unstyled cell would hide it.
        throw new IllegalArgumentException("unknown level: " + label);
    }
}
