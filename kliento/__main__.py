import sys

from kliento.cli import main

sys.exit(main())
