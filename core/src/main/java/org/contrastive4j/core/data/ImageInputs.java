package org.contrastive4j.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Images named one by one rather than by a folder of classes, each a dataset read from the files on demand
 * ({@link ImageFiles}):
 * <ul>
 *   <li>a <b>manifest</b>: a CSV/TSV whose header has a {@code path} column (and optionally a label column, by the
 *       same rules as feature CSVs: {@code label}, or {@link LoadOptions#labelColumn()}); other columns are ignored;
 *       paths are relative to the manifest's folder; ids are the paths as written;</li>
 *   <li>a <b>list file</b> ({@code .txt}, {@code .lst}, {@code .list}): one image path per line, relative to the
 *       list's folder; blank lines and lines starting with {@code #} are skipped; ids are the lines as written;</li>
 *   <li><b>several inputs</b>: image files (id: as given), globs such as {@code photos/*.jpg} or
 *       {@code shots/**}{@code /*.png} (id: the matching path, as the glob would spell it; only image files match),
 *       flat folders of images (id: {@code folder/name}) and list files, in the order given; unlabelled.</li>
 * </ul>
 * A named file that does not exist is an error naming it (and the line of the list or manifest).
 */
public final class ImageInputs {

    private static final List<String> LIST_EXTENSIONS = List.of(".txt", ".lst", ".list");

    private ImageInputs() {}

    /** True when the text uses glob syntax ({@code * ? [ {}). */
    public static boolean isGlob(String input) {
        return input.indexOf('*') >= 0 || input.indexOf('?') >= 0 || input.indexOf('[') >= 0 || input.indexOf('{') >= 0;
    }

    /** True for the names of list files ({@code .txt}, {@code .lst}, {@code .list}). */
    public static boolean isListFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return LIST_EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    /** True when the CSV/TSV file's first row is a header with a {@code path} column: a manifest of image files. */
    public static boolean isManifest(Path csv) throws IOException {
        try (CsvRows rows = CsvRows.open(csv)) {
            CsvRows.Row first = rows.next();
            return first != null && pathColumn(first.fields()) >= 0;
        }
    }

    private static int pathColumn(String[] header) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().equalsIgnoreCase("path")) {
                return i;
            }
        }
        return -1;
    }

    /** A manifest {@code path[,label]} (see the class comment). */
    public static ImageFiles manifest(Path csv, LoadOptions options) throws IOException {
        List<Path> files = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> rawLabels = new ArrayList<>();
        int labelIdx;
        try (CsvRows rows = CsvRows.open(csv)) {
            CsvRows.Row head = rows.next();
            if (head == null || pathColumn(head.fields()) < 0) {
                throw new IOException(csv + ": not an image manifest (the first line must be a header with a 'path' column)");
            }
            String[] header = head.fields();
            int pathIdx = pathColumn(header);
            labelIdx = labelColumn(csv, header, options.labelColumn(), pathIdx);
            Path dir = csv.toAbsolutePath().getParent();
            for (CsvRows.Row row = rows.next(); row != null; row = rows.next()) {
                String[] f = row.fields();
                if (f.length != header.length) {
                    throw new IOException(csv + ": line " + row.line() + ": " + f.length + " columns, expected " + header.length
                            + " (as in the header)");
                }
                String path = f[pathIdx].trim();
                if (path.isEmpty()) {
                    throw new IOException(csv + ": line " + row.line() + ": empty path");
                }
                files.add(existing(dir.resolve(path), csv, row.line(), path));
                ids.add(path);
                if (labelIdx >= 0) {
                    String label = f[labelIdx].trim();
                    if (label.isEmpty()) {
                        throw new IOException(csv + ": line " + row.line() + ": missing label for " + path);
                    }
                    rawLabels.add(label);
                }
            }
        }
        if (files.isEmpty()) {
            throw new IOException(csv + ": the manifest lists no images (a header but no rows)");
        }
        if (labelIdx < 0) {
            return ImageFiles.open(csv.toString(), files, ids, null, List.of(), options.imageFileShape(), options);
        }
        ClassLabels y = ClassLabels.of(rawLabels);
        return ImageFiles.open(csv.toString(), files, ids, y.labels(), y.classNames(), options.imageFileShape(), options);
    }

    private static int labelColumn(Path csv, String[] header, String labelColumn, int pathIdx) throws IOException {
        if (labelColumn != null && labelColumn.equalsIgnoreCase("none")) {
            return -1;
        }
        int found = -1;
        if (labelColumn == null) {
            for (int i = 0; i < header.length; i++) {
                if (header[i].trim().equalsIgnoreCase("label")) {
                    found = i;
                }
            }
            return found;
        }
        try {
            int idx = Integer.parseInt(labelColumn.trim());
            found = idx < 0 ? header.length + idx : idx;
            if (found < 0 || found >= header.length) {
                throw new IOException(csv + ": label column index " + labelColumn + " is outside the " + header.length
                        + " columns (0-based; -1 = last)");
            }
        } catch (NumberFormatException e) {
            for (int i = 0; i < header.length && found < 0; i++) {
                if (header[i].trim().equalsIgnoreCase(labelColumn.trim())) {
                    found = i;
                }
            }
            if (found < 0) {
                throw new IOException(csv + ": line 1: no column named '" + labelColumn + "' (header: "
                        + String.join(",", header) + ")");
            }
        }
        if (found == pathIdx) {
            throw new IOException(csv + ": the label column cannot be the path column");
        }
        return found;
    }

    /** A list file: one image path per line (see the class comment). */
    public static ImageFiles listFile(Path list, LoadOptions options) throws IOException {
        List<Path> files = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        addList(list, files, ids);
        if (files.isEmpty()) {
            throw new IOException(list + ": the list names no images");
        }
        return ImageFiles.open(list.toString(), files, ids, null, List.of(), options.imageFileShape(), options);
    }

    private static void addList(Path list, List<Path> files, List<String> ids) throws IOException {
        if (!Files.isRegularFile(list)) {
            throw new NoSuchFileException(list.toString(), null, "list file not found");
        }
        Path dir = list.toAbsolutePath().getParent();
        try (BufferedReader in = Files.newBufferedReader(list, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                String p = lineNo == 1 && line.startsWith("\uFEFF") ? line.substring(1).trim() : line.trim();
                if (p.isEmpty() || p.startsWith("#")) {
                    continue;
                }
                files.add(existing(dir.resolve(p), list, lineNo, p));
                ids.add(p);
            }
        }
    }

    private static Path existing(Path file, Path listedIn, int line, String asWritten) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, listedIn + ": line " + line + ": no such image file '"
                    + asWritten + "'");
        }
        return file;
    }

    /**
     * Several inputs, each an image file, a glob, a flat folder of images or a list file, as one unlabelled dataset
     * in the order given.
     */
    public static ImageFiles several(List<String> inputs, LoadOptions options) throws IOException {
        List<Path> files = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String input : inputs) {
            Path p = Path.of(input);
            if (Files.isRegularFile(p)) {
                if (isListFile(p)) {
                    addList(p, files, ids);
                } else if (ImageFolder.isImageName(p.getFileName().toString())) {
                    files.add(p);
                    ids.add(input);
                } else {
                    throw new IOException(input + ": not an image (" + String.join(", ", ImageFolder.EXTENSIONS)
                            + ") or a list file (" + String.join(", ", LIST_EXTENSIONS) + "); several inputs must all be images, "
                            + "globs, flat image folders or list files");
                }
            } else if (Files.isDirectory(p)) {
                if (ImageFolder.looksLikeImageFolder(p)) {
                    throw new IOException(input + ": a folder of class folders is one labelled input; give it alone, not "
                            + "among several inputs");
                }
                String prefix = input.endsWith("/") ? input : input + "/";
                ImageFiles flat = ImageFolder.openFlat(p, LoadOptions.builder().cacheBytes(0).build(), prefix);
                for (int i = 0; i < flat.size(); i++) {
                    files.add(flat.file(i));
                    ids.add(flat.id(i));
                }
            } else if (isGlob(input)) {
                int before = files.size();
                expandGlob(input, files, ids);
                if (files.size() == before) {
                    throw new IOException(input + ": no image files match this pattern");
                }
            } else {
                throw new NoSuchFileException(input, null, "input not found");
            }
        }
        String source = inputs.size() == 1 ? inputs.get(0) : inputs.get(0) + " (+" + (inputs.size() - 1) + " more)";
        return ImageFiles.open(source, files, ids, null, List.of(), options.imageFileShape(), options);
    }

    /** Adds the image files matching {@code pattern} (sorted), with ids spelled as the pattern spells its folder. */
    static void expandGlob(String pattern, List<Path> files, List<String> ids) throws IOException {
        String[] segments = pattern.replace('\\', '/').split("/", -1);
        int firstGlob = 0;
        while (firstGlob < segments.length && !isGlob(segments[firstGlob])) {
            firstGlob++;
        }
        String base = String.join("/", Arrays.copyOfRange(segments, 0, firstGlob));
        String rest = String.join("/", Arrays.copyOfRange(segments, firstGlob, segments.length));
        boolean absoluteRoot = base.isEmpty() && pattern.startsWith("/");
        Path baseDir = Path.of(base.isEmpty() ? (absoluteRoot ? "/" : ".") : base);
        if (!Files.isDirectory(baseDir)) {
            throw new NoSuchFileException(baseDir.toString(), null, "folder of the pattern '" + pattern + "' not found");
        }
        int depth = rest.contains("**") ? Integer.MAX_VALUE : segments.length - firstGlob;
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        String prefix = absoluteRoot ? "/" : base.isEmpty() ? "" : base + "/";
        try (Stream<Path> walk = Files.walk(baseDir, depth)) {
            List<Path> matches = walk.filter(Files::isRegularFile)
                    .filter(f -> matcher.matches(baseDir.relativize(f)))
                    .filter(f -> ImageFolder.isImageName(f.getFileName().toString()))
                    .sorted().toList();
            for (Path f : matches) {
                files.add(f);
                ids.add(prefix + baseDir.relativize(f).toString().replace('\\', '/'));
            }
        }
    }
}
