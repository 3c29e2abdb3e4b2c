"""``/api/v1/interno/yo/``: the calling officer (roles, distritos) — a check for SENAE's systems."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import OfficerAPIMixin
from .roles import Role


class OfficerSerializer(serializers.Serializer):
    usuario = serializers.CharField(help_text="ID Usuario del funcionario")
    nombre = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    distritos = serializers.ListField(child=serializers.CharField(max_length=3))
    todos_los_distritos = serializers.BooleanField(
        help_text="El administrador actúa en todos los distritos."
    )


class WhoAmIView(OfficerAPIMixin, APIView):
    officer_roles = {"GET": ()}  # any role

    @extend_schema(responses=OfficerSerializer, operation_id="interno_yo")
    def get(self, request):
        officer = request.officer
        return Response(
            OfficerSerializer(
                {
                    "usuario": officer.user.username,
                    "nombre": officer.user.get_full_name(),
                    "roles": sorted(officer.roles),
                    "distritos": sorted(officer.distrito_codes),
                    "todos_los_distritos": officer.acts_everywhere,
                }
            ).data
        )
