<?php
// Serves one file over HTTP on 127.0.0.1:PORT, once, then exits, the way an event-loop
// PHP server (Workerman) works: signal handlers dispatched by the loop, a non-blocking
// listener, stream_select, non-blocking reads and writes. A SIGUSR2 sent to itself
// first gives the trace a signal line. The server closes first, as serve_once.py does.
pcntl_signal(SIGUSR2, function (int $signo): void {
    echo "SIGUSR2\n";
});
posix_kill(posix_getpid(), SIGUSR2);
pcntl_signal_dispatch();

$server = stream_socket_server("tcp://127.0.0.1:{$argv[1]}", $errno, $error)
    or exit("$error\n");
stream_set_blocking($server, false);
$read = [$server];
$write = $except = null;
stream_select($read, $write, $except, 10);
$conn = stream_socket_accept($server, 0);
stream_set_blocking($conn, false);
$read = [$conn];
stream_select($read, $write, $except, 10);
$request = fread($conn, 8192);
$path = ltrim(explode(' ', $request)[1] ?? '/', '/');
fwrite($conn, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" . file_get_contents($path));
fclose($conn);
fclose($server);
