package dev.sirocco.chat;

import java.util.Locale;

/**
 * Chat templates for model files that carry no {@code tokenizer.chat_template}, chosen by GGUF architecture.
 *
 * <p>Each renders what llama.cpp's built-in template of the same name renders (src/llama-chat.cpp), plus the
 * {@code bos_token} the model's own Hugging Face template starts with (pass an empty bos when the tokenizer adds it):
 * <ul>
 *   <li>ChatML ({@code <|im_start|>role\n...<|im_end|>\n}): qwen2, qwen2moe, qwen3, qwen3moe, and any
 *       architecture not listed, as llama.cpp defaults to ChatML;</li>
 *   <li>Llama 3 ({@code <|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>}, content trimmed): llama when
 *       the vocabulary has {@code <|start_header_id|>};</li>
 *   <li>Mistral v1 ({@code  [INST] system\n\nuser [/INST] answer</s>}): llama without those tokens (Mistral 7B,
 *       Llama 2 files), mistral;</li>
 *   <li>Gemma ({@code <start_of_turn>user\n...<end_of_turn>\n}, assistant called "model", the system text folded
 *       into the first user turn, content trimmed): gemma, gemma2, gemma3, gemma3n.</li>
 * </ul>
 */
final class FallbackTemplates {

    private FallbackTemplates() {
    }

    record Fallback(String name, String source) {
    }

    static final Fallback CHATML = new Fallback("chatml", """
            {%- for message in messages %}
                {{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\\n' }}
            {%- endif %}
            """);

    static final Fallback LLAMA3 = new Fallback("llama3", """
            {{- bos_token }}
            {%- for message in messages %}
                {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
            {%- endif %}
            """);

    static final Fallback MISTRAL_V1 = new Fallback("mistral-v1", """
            {{- bos_token }}
            {%- set ns = namespace(system='') %}
            {%- for message in messages %}
                {%- if message['role'] == 'system' %}
                    {%- set ns.system = ns.system + message['content'] + '\\n\\n' %}
                {%- elif message['role'] == 'user' %}
                    {{- ' [INST] ' + ns.system + message['content'] + ' [/INST]' }}
                    {%- set ns.system = '' %}
                {%- else %}
                    {{- ' ' + message['content'] + eos_token }}
                {%- endif %}
            {%- endfor %}
            """);

    static final Fallback GEMMA = new Fallback("gemma", """
            {{- bos_token }}
            {%- set ns = namespace(system='') %}
            {%- for message in messages %}
                {%- if message['role'] == 'system' %}
                    {%- set ns.system = ns.system + message['content'] | trim %}
                {%- else %}
                    {%- set role = 'model' if message['role'] == 'assistant' else message['role'] %}
                    {{- '<start_of_turn>' + role + '\\n' }}
                    {%- if ns.system and role != 'model' %}
                        {{- ns.system + '\\n\\n' }}
                        {%- set ns.system = '' %}
                    {%- endif %}
                    {{- message['content'] | trim + '<end_of_turn>\\n' }}
                {%- endif %}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<start_of_turn>model\\n' }}
            {%- endif %}
            """);

    static Fallback forArchitecture(String architecture, boolean hasLlama3HeaderTokens) {
        String arch = architecture == null ? "" : architecture.toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "llama" -> hasLlama3HeaderTokens ? LLAMA3 : MISTRAL_V1;
            case "mistral" -> MISTRAL_V1;
            case "gemma", "gemma2", "gemma3", "gemma3n" -> GEMMA;
            default -> CHATML;
        };
    }
}
