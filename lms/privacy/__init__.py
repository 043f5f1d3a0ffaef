"""Personal-data rights: an official's export of their data, anonymisation of people who leave."""
