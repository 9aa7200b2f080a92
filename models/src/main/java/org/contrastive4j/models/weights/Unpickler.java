package org.contrastive4j.models.weights;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A data-only reader of Python pickles (protocols 0-5, the opcodes {@code torch.save} and the standard containers
 * use). Nothing is ever executed: a global ({@code module.name}) becomes a {@link Global} value, calling it
 * ({@code REDUCE}) a {@link Call} value, and only the few PyTorch rebuild functions a state dict needs are
 * interpreted, by the reader that walks the result ({@link TorchZipFile}). Persistent ids (torch's storages) go to
 * the given resolver.
 */
final class Unpickler {

    /** A Python global named in the pickle, never resolved. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** {@code callable(*args)} recorded, not executed; {@code state} is what BUILD set on it (or null). */
    record Call(Object callable, List<Object> args, Object state) {}

    /** A Python tuple. */
    record Tuple(List<Object> items) {
        Object get(int i) {
            return items.get(i);
        }

        int size() {
            return items.size();
        }
    }

    /** Maps the persistent id of a {@code BINPERSID} opcode to a value. */
    interface PersistentLoader {
        Object load(Object pid) throws IOException;
    }

    private static final Object MARK = new Object();
    private static final Object NONE = new Object();

    private final Path file;
    private final DataInputStream in;
    private final PersistentLoader persistent;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final long maxBytes;
    private long position;

    Unpickler(Path file, InputStream in, PersistentLoader persistent, long maxBytes) {
        this.file = file;
        this.in = new DataInputStream(in);
        this.persistent = persistent;
        this.maxBytes = maxBytes;
    }

    /** Bytes consumed so far. */
    long position() {
        return position;
    }

    /** Python's None as read (Java null cannot be stored in every container). */
    static boolean isNone(Object o) {
        return o == NONE;
    }

    /** Reads one pickle up to its STOP opcode and returns its value. */
    Object load() throws IOException {
        stack.clear();
        marks.clear();
        memo.clear();
        while (true) {
            int op = u8();
            switch (op) {
                case 0x80 -> u8(); // PROTO
                case 0x95 -> bytes(8); // FRAME: the length is a hint
                case '.' -> { // STOP
                    return pop();
                }
                case '(' -> {
                    marks.add(stack.size());
                    stack.add(MARK);
                }
                case 'N' -> stack.add(NONE);
                case 0x88 -> stack.add(Boolean.TRUE);
                case 0x89 -> stack.add(Boolean.FALSE);
                case 'J' -> stack.add((long) Integer.reverseBytes(readInt()));
                case 'K' -> stack.add((long) u8());
                case 'M' -> stack.add((long) (u8() | (u8() << 8)));
                case 0x8a -> stack.add(longFrom(bytes(u8()))); // LONG1
                case 0x8b -> stack.add(longFrom(bytes(length4()))); // LONG4
                case 'I' -> stack.add(intLine(line())); // INT (protocol 0)
                case 'L' -> stack.add(intLine(line().replace("L", ""))); // LONG (protocol 0)
                case 'G' -> stack.add(Double.longBitsToDouble(readLong())); // BINFLOAT, big-endian
                case 'F' -> stack.add(Double.parseDouble(line())); // FLOAT
                case 'X' -> stack.add(utf8(bytes(length4()))); // BINUNICODE
                case 0x8c -> stack.add(utf8(bytes(u8()))); // SHORT_BINUNICODE
                case 0x8d -> stack.add(utf8(bytes(length8()))); // BINUNICODE8
                case 'V' -> stack.add(line()); // UNICODE (raw-unicode-escape; plain ASCII in practice)
                case 'T' -> stack.add(new String(bytes(length4()), StandardCharsets.ISO_8859_1)); // BINSTRING
                case 'U' -> stack.add(new String(bytes(u8()), StandardCharsets.ISO_8859_1)); // SHORT_BINSTRING
                case 'S' -> stack.add(unquote(line())); // STRING
                case 'B' -> stack.add(bytes(length4())); // BINBYTES
                case 'C' -> stack.add(bytes(u8())); // SHORT_BINBYTES
                case 0x8e -> stack.add(bytes(length8())); // BINBYTES8
                case 0x96 -> stack.add(bytes(length8())); // BYTEARRAY8
                case ')' -> stack.add(new Tuple(List.of()));
                case 't' -> stack.add(new Tuple(popMark()));
                case 0x85 -> stack.add(new Tuple(popN(1)));
                case 0x86 -> stack.add(new Tuple(popN(2)));
                case 0x87 -> stack.add(new Tuple(popN(3)));
                case ']' -> stack.add(new ArrayList<>());
                case 'l' -> stack.add(new ArrayList<>(popMark())); // LIST
                case '}' -> stack.add(new LinkedHashMap<>());
                case 'd' -> { // DICT
                    Map<Object, Object> m = new LinkedHashMap<>();
                    putAll(m, popMark());
                    stack.add(m);
                }
                case 0x8f -> stack.add(new ArrayList<>()); // EMPTY_SET (as a list)
                case 0x90 -> list(peek()).addAll(popMark()); // ADDITEMS
                case 0x91 -> stack.add(new ArrayList<>(popMark())); // FROZENSET
                case 'a' -> {
                    Object v = pop();
                    list(peek()).add(v);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                }
                case 's' -> {
                    Object v = pop();
                    Object k = pop();
                    dict(peek()).put(key(k), v);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    putAll(dict(peek()), items);
                }
                case 'c' -> stack.add(new Global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    stack.add(new Global(String.valueOf(module), String.valueOf(name)));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    List<Object> argList = args instanceof Tuple t ? t.items() : List.of(args);
                    // An empty OrderedDict is data, not code: it becomes a map that SETITEMS fills.
                    boolean orderedDict = callable instanceof Global g && g.qualified().equals("collections.OrderedDict")
                            && argList.isEmpty();
                    stack.add(orderedDict ? new LinkedHashMap<>() : new Call(callable, argList, null));
                }
                case 0x81 -> { // NEWOBJ
                    Object args = pop();
                    Object cls = pop();
                    stack.add(new Call(cls, args instanceof Tuple t ? t.items() : List.of(args), null));
                }
                case 0x92 -> { // NEWOBJ_EX
                    pop();
                    Object args = pop();
                    Object cls = pop();
                    stack.add(new Call(cls, args instanceof Tuple t ? t.items() : List.of(args), null));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    Object target = pop();
                    // A map's attribute dict (an OrderedDict's _metadata, torch's module versions) carries no tensors.
                    stack.add(target instanceof Call c ? new Call(c.callable(), c.args(), state) : target);
                }
                case 'Q' -> stack.add(persistent.load(pop())); // BINPERSID
                case 'P' -> stack.add(persistent.load(line())); // PERSID
                case 'q' -> memo.put((long) u8(), peek()); // BINPUT
                case 'r' -> memo.put((long) length4(), peek()); // LONG_BINPUT
                case 'p' -> memo.put(Long.parseLong(line()), peek()); // PUT
                case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                case 'h' -> stack.add(memoGet(u8())); // BINGET
                case 'j' -> stack.add(memoGet(length4())); // LONG_BINGET
                case 'g' -> stack.add(memoGet(Long.parseLong(line()))); // GET
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> stack.add(peek()); // DUP
                default -> throw new WeightsException(file, String.format("pickle opcode 0x%02x at byte %d is not supported",
                        op, position - 1));
            }
        }
    }

    private Object memoGet(long index) throws WeightsException {
        Object v = memo.get(index);
        if (v == null) {
            throw new WeightsException(file, "pickle refers to memo entry " + index + ", which was never stored");
        }
        return v;
    }

    private static Object key(Object k) {
        return k instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : k;
    }

    private void putAll(Map<Object, Object> m, List<Object> items) throws WeightsException {
        if (items.size() % 2 != 0) {
            throw new WeightsException(file, "pickle SETITEMS with an odd number of items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            m.put(key(items.get(i)), items.get(i + 1));
        }
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) throws WeightsException {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new WeightsException(file, "pickle appends to a " + describe(o) + ", not a list");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) throws WeightsException {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw new WeightsException(file, "pickle sets items on a " + describe(o) + ", not a dict");
    }

    static String describe(Object o) {
        if (o instanceof Call c) {
            return "call of " + describe(c.callable());
        }
        if (o instanceof Global g) {
            return g.qualified();
        }
        return o == null || o == NONE ? "None" : o.getClass().getSimpleName();
    }

    private Object peek() throws WeightsException {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw new WeightsException(file, "pickle stack underflow at byte " + position);
        }
        return stack.get(stack.size() - 1);
    }

    private Object pop() throws WeightsException {
        Object o = peek();
        stack.remove(stack.size() - 1);
        return o;
    }

    private List<Object> popN(int n) throws WeightsException {
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(0, pop());
        }
        return items;
    }

    private List<Object> popMark() throws WeightsException {
        if (marks.isEmpty()) {
            throw new WeightsException(file, "pickle has no MARK to pop to at byte " + position);
        }
        int at = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(at + 1, stack.size()));
        stack.subList(at, stack.size()).clear();
        return items;
    }

    private int u8() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new WeightsException(file, "pickle ends before its STOP opcode", new EOFException());
        }
        count(1);
        return b;
    }

    private int readInt() throws IOException {
        count(4);
        return in.readInt();
    }

    private long readLong() throws IOException {
        count(8);
        return in.readLong();
    }

    private int length4() throws IOException {
        int n = Integer.reverseBytes(readInt());
        if (n < 0) {
            throw new WeightsException(file, "pickle declares a negative length at byte " + position);
        }
        return n;
    }

    private int length8() throws IOException {
        long n = Long.reverseBytes(readLong());
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new WeightsException(file, "pickle declares a length of " + n + " bytes at byte " + position);
        }
        return (int) n;
    }

    private byte[] bytes(int n) throws IOException {
        count(n); // checked against the pickle's size before reading, so a bogus length allocates nothing
        byte[] b = new byte[n];
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw new WeightsException(file, "pickle ends inside a " + n + "-byte value", e);
        }
        return b;
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = u8(); c != '\n'; c = u8()) {
            sb.append((char) c);
        }
        return sb.toString();
    }

    private void count(long n) throws WeightsException {
        if (position + n > maxBytes) {
            throw new WeightsException(file, "pickle value at byte " + position + " runs past the pickle's " + maxBytes + " bytes");
        }
        position += n;
    }

    private static Object longFrom(byte[] le) {
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private Object intLine(String s) throws WeightsException {
        String t = s.trim();
        if (t.equals("00")) {
            return Boolean.FALSE;
        }
        if (t.equals("01")) {
            return Boolean.TRUE;
        }
        try {
            BigInteger v = new BigInteger(t);
            return v.bitLength() < 64 ? (Object) v.longValue() : v;
        } catch (NumberFormatException e) {
            throw new WeightsException(file, "pickle INT '" + t + "' is not a number");
        }
    }

    private static String unquote(String s) {
        String t = s.trim();
        return t.length() >= 2 && (t.charAt(0) == '\'' || t.charAt(0) == '"') ? t.substring(1, t.length() - 1) : t;
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
