"""The health check: what a load balancer polls, and the load test's floor."""


def test_health_check_answers_ok_without_logging_in(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_health_check_touches_no_database(client, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200


def test_health_check_is_never_cached(client, db):
    response = client.get("/healthz/")
    assert "no-cache" in response["Cache-Control"]


def test_health_check_refuses_a_post(client, db):
    assert client.post("/healthz/").status_code == 405
