# Reference renderings of chat templates with Python's Jinja2, set up as Hugging Face transformers sets it up
# for apply_chat_template (transformers/utils/chat_template_utils.py: an ImmutableSandboxedEnvironment with
# trim_blocks and lstrip_blocks, the loopcontrols extension, a {% generation %} tag, a tojson filter calling
# json.dumps(ensure_ascii=False, ...), and the globals raise_exception and strftime_now), rendered with
# messages, tools, documents, add_generation_prompt, the special tokens, then the extra variables.
# Reads the same {"jobs": [...]} JSON on stdin as chat-template-oracle.mjs; handles jobs whose engine is "jinja2".
import json
import sys
from datetime import datetime

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment


class AssistantTracker(Extension):
    # transformers marks the assistant's text with {% generation %}; rendering only outputs the body.
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_generation_support"), [], [], body).set_lineno(lineno)

    def _generation_support(self, caller):
        return caller()


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return datetime.now().strftime(format)


def compile_template(source):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[AssistantTracker, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env.from_string(source)


def main():
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    results = []
    for job in request["jobs"]:
        out = []
        template = None
        for case in job["cases"]:
            try:
                if template is None:
                    template = compile_template(job["template"])
                context = dict(messages=case["messages"], tools=case.get("tools"), documents=None,
                               add_generation_prompt=case["add_generation_prompt"],
                               bos_token=job.get("bos_token", ""), eos_token=job.get("eos_token", ""))
                context.update(case.get("extra") or {})
                out.append({"output": template.render(**context)})
            except Exception as e:  # the reference failing is a result too
                out.append({"error": type(e).__name__ + ": " + str(e)})
        results.append(out)
    sys.stdout.buffer.write(json.dumps({"results": results}).encode("utf-8"))


main()
