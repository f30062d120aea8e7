from rest_framework import serializers

from accounts.models import Membership, Organization


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "timezone"]


class MemberSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    client = serializers.UUIDField(
        source="client.public_id",
        read_only=True,
        allow_null=True,
        help_text="For hiring managers and HR: the one client they see.",
    )

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "client", "created_at", "updated_at"]


class ApiKeyInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="When the key stops working; null: until revoked."
    )
    allowed_networks = serializers.ListField(
        child=serializers.CharField(),
        help_text="The networks the key may be used from; empty: any address.",
    )


class MeSerializer(serializers.Serializer):
    """Who the request acts as: with a key, the member the key acts for."""

    membership = MemberSerializer()
    organization = OrganizationSerializer()
    api_key = ApiKeyInfoSerializer(allow_null=True)
