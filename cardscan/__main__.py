from cardscan.cli import run

run()
