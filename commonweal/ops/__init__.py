"""Operating a commonweal site: backups, restores and how database write failures read."""
