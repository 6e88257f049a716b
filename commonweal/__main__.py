from commonweal.cli import main

main()
