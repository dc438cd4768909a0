"""Tools for content staff: the content check (`python -m bot check`) and the staff report.

- `bot.tools.content.issues`   – one finding (`Issue`): what is wrong, where (file:line), how to fix it.
- `bot.tools.content.yamlfile` – YAML files read with line numbers; syntax errors explained in Swedish.
- `bot.tools.content.checks`   – every check of the content; `run(root)` returns the findings.
- `bot.tools.content.rasa_validation` – Rasa's own data validation, in-process, translated.
- `bot.tools.content.printout` – the short Swedish text report of the check.
- `bot.tools.content.conversations` – aggregated, anonymised figures from the tracker store.
- `bot.tools.content.report`   – the HTML report (`python -m bot report`).
"""
