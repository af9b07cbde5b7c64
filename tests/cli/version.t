# The programs answer --version and --help, and refuse unknown commands.
$ lrs --version
lrs version 0.1.0
$ lrsd --version
lrsd version 0.1.0
$ lrs no-such-command
2> lrs: 'no-such-command' is not an lrs command; see 'lrs --help'
? 2
$ lrs
? 2
