package org.contrastive4j.core.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The rows of a CSV ({@code .tsv}: tab-separated) file, parsed by Apache Commons CSV as RFC 4180: quoted fields may
 * hold separators, doubled quotes and line breaks. Blank lines are skipped, spaces around fields are ignored, a UTF-8
 * byte-order mark is dropped. Each row carries the 1-based line it starts on, for messages; a parse error (e.g. an
 * unterminated quoted field) is an {@link IOException} naming the file and the line.
 */
final class CsvRows implements Closeable {

    /** One row: the line it starts on (1-based) and its fields. */
    record Row(int line, String[] fields) {}

    private static final Pattern START_LINE = Pattern.compile("\\(startline (\\d+)\\)");

    private final Path path;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;

    private CsvRows(Path path, CSVParser parser) {
        this.path = path;
        this.parser = parser;
        this.records = parser.iterator();
    }

    static CsvRows open(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "CSV file not found");
        }
        char separator = path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv") ? '\t' : ',';
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(separator).setIgnoreEmptyLines(true)
                .setIgnoreSurroundingSpaces(true).get();
        PushbackReader in = new PushbackReader(Files.newBufferedReader(path, StandardCharsets.UTF_8), 1);
        try {
            int first = in.read();
            if (first != -1 && first != '\uFEFF') {
                in.unread(first);
            }
            return new CsvRows(path, CSVParser.builder().setReader(in).setFormat(format).get());
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** The next non-blank row, or {@code null} at the end of the file. */
    Row next() throws IOException {
        try {
            while (records.hasNext()) {
                CSVRecord r = records.next();
                long consumed = parser.getCurrentLineNumber();
                String[] fields = r.values();
                if (fields.length == 1 && fields[0].isBlank()) {
                    continue;
                }
                // The parser's line count after a row is the line the row ends on (also for a last row without a line
                // break); line breaks inside quoted fields move its start up.
                long end = consumed;
                long inside = 0;
                for (String f : fields) {
                    inside += lineBreaks(f);
                }
                return new Row((int) Math.max(1, end - inside), fields);
            }
            return null;
        } catch (UncheckedIOException e) {
            String m = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
            Matcher line = START_LINE.matcher(m == null ? "" : m);
            if (m != null && m.contains("EOF reached before encapsulated token finished")) {
                throw new IOException(path + ": line " + (line.find() ? line.group(1) : "?")
                        + ": unterminated quoted field (a '\"' opens a field that never closes)", e);
            }
            throw new IOException(path + ": malformed CSV (" + m + ")", e);
        }
    }

    private static int lineBreaks(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 == s.length() || s.charAt(i + 1) != '\n'))) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
