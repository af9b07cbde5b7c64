# A password in a PostgreSQL URL never appears in an error message: the
# store shows the URL with the password replaced by ***. Port 1 on
# 127.0.0.1 refuses the connection at once.
$ lrs stats --db 'postgres://u:secret@127.0.0.1:1/x?sslmode=disable&password=hunter2' 2>&1 | grep -o "cannot open store '[^']*'"
cannot open store 'postgres://u:***@127.0.0.1:1/x?sslmode=disable&password=***'
$ lrs stats --db 'postgresql://127.0.0.1:1/x?password=hunter2&connect_timeout=5' 2>&1 | grep -o "cannot open store '[^']*'"
cannot open store 'postgresql://127.0.0.1:1/x?password=***&connect_timeout=5'
$ lrs stats --db 'postgres://u:secret@127.0.0.1:1/x' 2>&1 | grep -c -e secret -e hunter2
0
? 1
