"""Reports, on every response, the server time of the request and its number of SQL
queries (headers X-Bench-Ms and X-Bench-Queries), for bench/search.py to collect."""

import time

from django.db import connection


def server_timing(get_response):
    def middleware(request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = get_response(request)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
        response["X-Bench-Ms"] = f"{(time.perf_counter() - started) * 1000:.3f}"
        response["X-Bench-Queries"] = str(queries)
        return response

    return middleware
