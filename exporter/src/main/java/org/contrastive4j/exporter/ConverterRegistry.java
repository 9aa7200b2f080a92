package org.contrastive4j.exporter;

import ai.djl.nn.Block;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The table of converters keyed by block class. Lookup walks up the superclasses, so a subclass of a known block
 * uses its parent's converter unless it registers its own. Immutable: {@link #with} returns a new table.
 */
public final class ConverterRegistry {

    private final Map<Class<?>, BlockConverter<?>> converters;

    private ConverterRegistry(Map<Class<?>, BlockConverter<?>> converters) {
        this.converters = Map.copyOf(converters);
    }

    public static ConverterRegistry empty() {
        return new ConverterRegistry(Map.of());
    }

    /** Converters for DJL's SequentialBlock, Conv2d, Linear, BatchNorm and every block in org.contrastive4j.models.blocks. */
    public static ConverterRegistry defaults() {
        return StandardConverters.register(empty());
    }

    /** A copy of this table in which blocks of {@code type} (and subclasses without their own entry) use {@code converter}. */
    public <B extends Block> ConverterRegistry with(Class<B> type, BlockConverter<? super B> converter) {
        Map<Class<?>, BlockConverter<?>> m = new LinkedHashMap<>(converters);
        m.put(type, converter);
        return new ConverterRegistry(m);
    }

    public Set<Class<?>> types() {
        return converters.keySet();
    }

    /** The converter for the nearest registered class of {@code type}, or null. */
    @SuppressWarnings("unchecked")
    BlockConverter<Block> find(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            BlockConverter<?> conv = converters.get(c);
            if (conv != null) {
                return (BlockConverter<Block>) conv;
            }
        }
        return null;
    }
}
