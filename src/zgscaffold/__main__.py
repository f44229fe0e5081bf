from zgscaffold.cli import main

main()
