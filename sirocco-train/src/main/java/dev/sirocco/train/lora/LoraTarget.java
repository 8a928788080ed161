package dev.sirocco.train.lora;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** A projection LoRA can adapt, by its short name ({@code --targets q,k,v,o,gate,up,down}) and llama.cpp's tensor name. */
public enum LoraTarget {
    Q("q", "attn_q"), K("k", "attn_k"), V("v", "attn_v"), O("o", "attn_output"),
    GATE("gate", "ffn_gate"), UP("up", "ffn_up"), DOWN("down", "ffn_down");

    public final String shortName;
    public final String tensorName;

    LoraTarget(String shortName, String tensorName) {
        this.shortName = shortName;
        this.tensorName = tensorName;
    }

    /** {@code "q,v"} → {Q, V}; an unknown name is rejected listing the valid ones. */
    public static Set<LoraTarget> parse(String list) {
        Set<LoraTarget> out = EnumSet.noneOf(LoraTarget.class);
        for (String s : list.split(",")) {
            String name = s.trim().toLowerCase(Locale.ROOT);
            LoraTarget t = Arrays.stream(values()).filter(v -> v.shortName.equals(name) || v.tensorName.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--targets: '" + name + "' is not a projection; use any of "
                            + Arrays.stream(values()).map(v -> v.shortName).collect(Collectors.joining(","))));
            out.add(t);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--targets is empty");
        }
        return out;
    }

    public static List<LoraTarget> all() {
        return new ArrayList<>(List.of(values()));
    }
}
