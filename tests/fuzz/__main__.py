"""`python -m tests.fuzz --programs N --seed S [--jobs J] [--compiled-fraction F] [--report docs/reliability.md]`"""
import sys

from .campaign import main

sys.exit(main())
