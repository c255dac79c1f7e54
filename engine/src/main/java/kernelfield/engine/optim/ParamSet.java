package kernelfield.engine.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter blocks of a model, by name, in insertion order (the order is part of the
 * checkpoint and of the deterministic update order). Not thread-safe.
 */
public final class ParamSet {
    private final Map<String, ParamBlock> blocks = new LinkedHashMap<>();

    /** An empty set. */
    public ParamSet() {
    }

    /** A set of the given blocks, in that order. */
    public static ParamSet of(ParamBlock... blocks) {
        ParamSet s = new ParamSet();
        for (ParamBlock b : blocks) s.add(b);
        return s;
    }

    /**
     * Adds a block.
     *
     * @return the block
     * @throws IllegalArgumentException when a block of that name is already there
     */
    public ParamBlock add(ParamBlock block) {
        if (blocks.putIfAbsent(block.name(), block) != null) {
            throw new IllegalArgumentException("parameter block " + block.name() + " is already in the set");
        }
        return block;
    }

    /**
     * The block of that name.
     *
     * @throws IllegalArgumentException when there is none (the message lists the names there are)
     */
    public ParamBlock get(String name) {
        ParamBlock b = blocks.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no parameter block " + name + " (blocks: " + blocks.keySet() + ")");
        }
        return b;
    }

    /** Whether a block of that name is there. */
    public boolean contains(String name) {
        return blocks.containsKey(name);
    }

    /** The blocks in insertion order; an unmodifiable view. */
    public List<ParamBlock> blocks() {
        return Collections.unmodifiableList(new ArrayList<>(blocks.values()));
    }

    /** Number of blocks. */
    public int size() {
        return blocks.size();
    }

    /** Zeroes the gradient of every differentiable block. Allocates nothing. */
    public void zeroGrad() {
        for (ParamBlock b : blocks.values()) b.zeroGrad();
    }

    /** Total number of values over all blocks. */
    public long totalValues() {
        long n = 0;
        for (ParamBlock b : blocks.values()) n += b.size();
        return n;
    }

    Iterable<ParamBlock> iterable() {
        return blocks.values();
    }
}
