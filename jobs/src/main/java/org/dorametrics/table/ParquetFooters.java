package org.dorametrics.table;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageEncodingStats;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Puts a Parquet file's footer in one canonical form. parquet-mr lists a column chunk's encodings from a HashSet of
 * enum constants, whose iteration order follows identity hash codes and so changes from one JVM to the next: the same
 * rows written by two processes differ in a few footer bytes. With those lists sorted, a file's bytes depend on its
 * content only, and a re-run in another process publishes the same bytes.
 */
final class ParquetFooters {
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private ParquetFooters() {}

    static void canonicalize(FileSystem fs, Path file) throws IOException {
        rewriteFooter(fs, file, ParquetFooters::sortEncodings);
    }

    /** Applies an edit to the footer and rewrites the file when the footer's bytes change; the data pages are copied as they are. */
    static void rewriteFooter(FileSystem fs, Path file, Consumer<FileMetaData> edit) throws IOException {
        long length = fs.getFileStatus(file).getLen();
        byte[] footer;
        long footerStart;
        try (FSDataInputStream in = fs.open(file)) {
            byte[] tail = new byte[8];
            in.readFully(length - tail.length, tail);
            if (!Arrays.equals(Arrays.copyOfRange(tail, 4, 8), MAGIC)) {
                throw new IOException(file + " is not a Parquet file (no PAR1 at its end)");
            }
            int footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            footerStart = length - tail.length - footerLength;
            footer = new byte[footerLength];
            in.readFully(footerStart, footer);
        }
        FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(footer));
        edit.accept(metadata);
        ByteArrayOutputStream rewritten = new ByteArrayOutputStream(footer.length);
        Util.writeFileMetaData(metadata, rewritten);
        if (Arrays.equals(footer, rewritten.toByteArray())) {
            return;
        }
        Path copy = new Path(file.getParent(), "._footer-" + file.getName());
        try (InputStream in = fs.open(file); OutputStream out = fs.create(copy, true)) {
            copy(in, out, footerStart);
            rewritten.writeTo(out);
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(rewritten.size()).array());
            out.write(MAGIC);
        }
        if (!fs.delete(file, false) || !fs.rename(copy, file)) {
            throw new IOException("cannot replace " + file + " with its canonical copy " + copy);
        }
    }

    private static void sortEncodings(FileMetaData metadata) {
        for (RowGroup rowGroup : metadata.getRow_groups()) {
            for (ColumnChunk column : rowGroup.getColumns()) {
                ColumnMetaData chunk = column.getMeta_data();
                if (chunk == null) {
                    continue;
                }
                List<Encoding> encodings = new ArrayList<>(chunk.getEncodings());
                encodings.sort(Comparator.comparingInt(Encoding::getValue));
                chunk.setEncodings(encodings);
                if (chunk.isSetEncoding_stats()) {
                    List<PageEncodingStats> stats = new ArrayList<>(chunk.getEncoding_stats());
                    stats.sort(Comparator.<PageEncodingStats>comparingInt(s -> s.getPage_type().getValue())
                            .thenComparingInt(s -> s.getEncoding().getValue()));
                    chunk.setEncoding_stats(stats);
                }
            }
        }
    }

    private static void copy(InputStream in, OutputStream out, long bytes) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = bytes;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException("file ended " + left + " bytes early");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }
}
