def test_unit_list_is_public(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Units of study" in response.content
