from domain.roles import roles_from_claims


def test_only_atiendes_app_roles_are_taken_from_role_claims():
    claims = [("roles", "admin"), ("roles", "Global Administrator"), ("name", "agent"),
              ("http://schemas.microsoft.com/ws/2008/06/identity/claims/role", "agent")]
    assert roles_from_claims(claims) == ["agent", "admin"]


def test_no_role_claims_means_no_roles():
    assert roles_from_claims([("name", "Ana"), ("preferred_username", "ana@example.com")]) == []
