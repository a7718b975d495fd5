"""Amazon EFS policies: encryption, backups, access points, mount targets and who may reach them."""
