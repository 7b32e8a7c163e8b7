package org.dorametrics.report;

import java.util.List;

import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xddf.usermodel.XDDFColor;
import org.apache.poi.xddf.usermodel.XDDFLineProperties;
import org.apache.poi.xddf.usermodel.XDDFShapeProperties;
import org.apache.poi.xddf.usermodel.XDDFSolidFillProperties;
import org.apache.poi.xddf.usermodel.chart.AxisCrossBetween;
import org.apache.poi.xddf.usermodel.chart.AxisCrosses;
import org.apache.poi.xddf.usermodel.chart.AxisPosition;
import org.apache.poi.xddf.usermodel.chart.AxisTickLabelPosition;
import org.apache.poi.xddf.usermodel.chart.BarDirection;
import org.apache.poi.xddf.usermodel.chart.ChartTypes;
import org.apache.poi.xddf.usermodel.chart.LegendPosition;
import org.apache.poi.xddf.usermodel.chart.MarkerStyle;
import org.apache.poi.xddf.usermodel.chart.XDDFBarChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFCategoryAxis;
import org.apache.poi.xddf.usermodel.chart.XDDFChartAxis;
import org.apache.poi.xddf.usermodel.chart.XDDFChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFDataSource;
import org.apache.poi.xddf.usermodel.chart.XDDFDataSourcesFactory;
import org.apache.poi.xddf.usermodel.chart.XDDFLineChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFNumericalDataSource;
import org.apache.poi.xddf.usermodel.chart.XDDFValueAxis;
import org.apache.poi.xddf.usermodel.text.XDDFRunProperties;
import org.apache.poi.xssf.usermodel.XSSFChart;
import org.apache.poi.xssf.usermodel.XSSFClientAnchor;
import org.apache.poi.xssf.usermodel.XSSFDrawing;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.openxmlformats.schemas.drawingml.x2006.chart.STDispBlanksAs;

/**
 * Line and bar charts over cell ranges. Every series gets explicit colours and line properties, and every chart an
 * explicit legend and axis setup: LibreOffice draws its own defaults (markers, thin grey lines) for what a file
 * leaves out, where Excel draws its theme's.
 */
final class ReportCharts {

    /**
     * Twelve colours that stay apart from each other on screen and in print (Tableau 10 and two darker ones), in the
     * order teams take them.
     */
    static final List<String> SERIES_RGB = List.of("1F77B4", "FF7F0E", "2CA02C", "D62728", "9467BD", "8C564B",
        "E377C2", "7F7F7F", "BCBD22", "17BECF", "393B79", "637939");
    static final double LINE_POINTS = 2.0;
    private static final double AXIS_FONT_POINTS = 8;

    /** A series: its name's cell and its values' range (one column, the same rows as the categories). */
    record Series(CellReference name, CellRangeAddress values, String rgb) {}

    private ReportCharts() {}

    /** The anchor of a chart from (column, row) to (column, row), corners of whole cells. */
    static XSSFChart chart(XSSFSheet sheet, int firstColumn, int firstRow, int lastColumn, int lastRow, String title) {
        XSSFDrawing drawing = sheet.createDrawingPatriarch();
        XSSFClientAnchor anchor = drawing.createAnchor(0, 0, 0, 0, firstColumn, firstRow, lastColumn, lastRow);
        XSSFChart chart = drawing.createChart(anchor);
        chart.setTitleText(title);
        chart.setTitleOverlay(false);
        chart.getCTChart().addNewDispBlanksAs().setVal(STDispBlanksAs.GAP);
        chart.getCTChart().addNewPlotVisOnly().setVal(false);
        return chart;
    }

    static void lineChart(XSSFSheet dataSheet, XSSFChart chart, CellRangeAddress categories, List<Series> series,
                          String axisTitle, String axisFormat) {
        XDDFCategoryAxis bottom = categoryAxis(chart);
        XDDFValueAxis left = valueAxis(chart, axisTitle, axisFormat);
        XDDFLineChartData data = (XDDFLineChartData) chart.createData(ChartTypes.LINE, bottom, left);
        data.setVaryColors(false);
        XDDFDataSource<String> labels = XDDFDataSourcesFactory.fromStringCellRange(dataSheet, categories);
        for (Series s : series) {
            XDDFNumericalDataSource<Double> values = XDDFDataSourcesFactory.fromNumericCellRange(dataSheet, s.values());
            XDDFLineChartData.Series line = (XDDFLineChartData.Series) data.addSeries(labels, values);
            line.setTitle(null, s.name());
            line.setSmooth(false);
            line.setShapeProperties(lineShape(s.rgb()));
            // Small dots in the line's colour: a week between two weeks without a value has no line to draw, and
            // would vanish without its dot (LibreOffice picks its own marker colours when none is given).
            // No marker size: poi-ooxml-lite lacks its schema type, and the applications' default is small.
            line.setMarkerStyle(MarkerStyle.CIRCLE);
            var marker = line.getCTLineSer().getMarker();
            XDDFShapeProperties markerShape = new XDDFShapeProperties(marker.isSetSpPr() ? marker.getSpPr()
                : marker.addNewSpPr());
            markerShape.setFillProperties(solid(s.rgb()));
            markerShape.setLineProperties(line(s.rgb(), 0.5));
        }
        chart.plot(data);
        legend(chart, series.size());
    }

    static void barChart(XSSFSheet dataSheet, XSSFChart chart, CellRangeAddress categories, Series series,
                         String axisTitle, String axisFormat) {
        XDDFCategoryAxis bottom = categoryAxis(chart);
        XDDFValueAxis left = valueAxis(chart, axisTitle, axisFormat);
        XDDFBarChartData data = (XDDFBarChartData) chart.createData(ChartTypes.BAR, bottom, left);
        data.setBarDirection(BarDirection.COL);
        data.setVaryColors(false);
        data.setGapWidth(50);
        XDDFChartData.Series bars = data.addSeries(XDDFDataSourcesFactory.fromStringCellRange(dataSheet, categories),
            XDDFDataSourcesFactory.fromNumericCellRange(dataSheet, series.values()));
        bars.setTitle(null, series.name());
        XDDFShapeProperties shape = new XDDFShapeProperties();
        shape.setFillProperties(solid(series.rgb()));
        shape.setLineProperties(line(series.rgb(), 0.75));
        bars.setShapeProperties(shape);
        chart.plot(data);
        legend(chart, 1);
    }

    private static XDDFCategoryAxis categoryAxis(XSSFChart chart) {
        XDDFCategoryAxis bottom = chart.createCategoryAxis(AxisPosition.BOTTOM);
        bottom.setTickLabelPosition(AxisTickLabelPosition.LOW);
        styleAxis(bottom);
        return bottom;
    }

    private static XDDFValueAxis valueAxis(XSSFChart chart, String title, String format) {
        XDDFValueAxis left = chart.createValueAxis(AxisPosition.LEFT);
        left.setCrosses(AxisCrosses.AUTO_ZERO);
        left.setCrossBetween(AxisCrossBetween.BETWEEN);
        left.setMinimum(0);
        left.setTitle(title);
        left.setNumberFormat(format);
        left.getOrAddMajorGridProperties().setLineProperties(line("D9D9D9", 0.5));
        styleAxis(left);
        return left;
    }

    private static void styleAxis(XDDFChartAxis axis) {
        XDDFRunProperties text = axis.getOrAddTextProperties();
        text.setFontSize(AXIS_FONT_POINTS);
        text.setFillProperties(solid("404040"));
        XDDFShapeProperties shape = axis.getOrAddShapeProperties();
        shape.setLineProperties(line("808080", 0.75));
    }

    /** The legend on the right, where ten team names fit in a column; none for a single series (the title says it). */
    private static void legend(XSSFChart chart, int seriesCount) {
        if (seriesCount > 1) {
            chart.getOrAddLegend().setPosition(LegendPosition.RIGHT);
            chart.getOrAddLegend().setOverlay(false);
        } else {
            chart.deleteLegend();
        }
    }

    private static XDDFShapeProperties lineShape(String rgb) {
        XDDFShapeProperties shape = new XDDFShapeProperties();
        shape.setLineProperties(line(rgb, LINE_POINTS));
        return shape;
    }

    static XDDFLineProperties line(String rgb, double points) {
        XDDFLineProperties line = new XDDFLineProperties();
        line.setFillProperties(solid(rgb));
        line.setWidth(points);
        return line;
    }

    private static XDDFSolidFillProperties solid(String rgb) {
        return new XDDFSolidFillProperties(XDDFColor.from(java.util.HexFormat.of().parseHex(rgb)));
    }

}
