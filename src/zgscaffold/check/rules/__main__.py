"""Print docs/rules/index.md from the registry of rules."""

import sys

from zgscaffold.check.rules import index_page

sys.stdout.write(index_page())
