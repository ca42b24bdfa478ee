from mktplan.cli import main

main()
