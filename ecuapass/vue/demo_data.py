"""Demo staff of the control agencies (listed in the README) and the demo importer's permits.

Each agency has a técnico revisor and a director; AGROCALIDAD has two técnicos (the random
assignment balances between them). They sign in with the agency's RUC, their ID Usuario and
password, then a TOTP code (``manage.py demo_totp <usuario>`` prints it).

The demo importer (0991003002001) gets, through the real engine and lifecycle: a valid
AGROCALIDAD permit for apples with balance left, an ARCSA permit that has expired, a request
waiting for its tasa, one returned for subsanación, one in review; none for smartphones.
Idempotent: nothing is added when the importer already has VUE requests.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecuapass.accounts.models import Operator, User
from ecuapass.core.loading import LoadReport, upsert
from ecuapass.officers.demo_data import secret_hex
from ecuapass.officers.second_factor import DEVICE_NAME

from .models import DocumentoEmitido, Entidad, Funcionario, Rol

STAFF = [
    # username, password, entidad, rol, first, last, cédula, TOTP secret (base32)
    (
        "agro.tecnico",
        "Agro.Tecnico.2026",
        "AGROCALIDAD",
        Rol.TECNICO,
        "Lucía",
        "Paredes Vera",
        "1712345675",
        "AGROTECNICODEMOVUEECUADORAGROCAL",
    ),
    (
        "agro.tecnico2",
        "Agro.Tecnico2.2026",
        "AGROCALIDAD",
        Rol.TECNICO,
        "Marco",
        "Yépez Lara",
        "1713456786",
        "AGROTECNICODOSDEMOVUEECUADORAGRO",
    ),
    (
        "agro.director",
        "Agro.Director.2026",
        "AGROCALIDAD",
        Rol.DIRECTOR,
        "Rosa",
        "Almeida Cruz",
        "1714567897",
        "AGRODIRECTORDEMOVUEECUADORAGROCA",
    ),
    (
        "arcsa.tecnico",
        "Arcsa.Tecnico.2026",
        "ARCSA",
        Rol.TECNICO,
        "Pablo",
        "Ortiz Suárez",
        "1715678908",
        "ARCSATECNICODEMOVUEECUADORARCSAT",
    ),
    (
        "arcsa.director",
        "Arcsa.Director.2026",
        "ARCSA",
        Rol.DIRECTOR,
        "Elena",
        "Cevallos Mora",
        "1716789019",
        "ARCSADIRECTORDEMOVUEECUADORARCSA",
    ),
    (
        "arcotel.tecnico",
        "Arcotel.Tecnico.2026",
        "ARCOTEL",
        Rol.TECNICO,
        "Jorge",
        "Villacís Peña",
        "1717890120",
        "ARCOTELTECNICODEMOVUEECUADORARCO",
    ),
    (
        "arcotel.director",
        "Arcotel.Director.2026",
        "ARCOTEL",
        Rol.DIRECTOR,
        "Sofía",
        "Naranjo Gil",
        "1718901231",
        "ARCOTELDIRECTORDEMOVUEECUADORARC",
    ),
    (
        "mpceip.tecnico",
        "Mpceip.Tecnico.2026",
        "MPCEIP",
        Rol.TECNICO,
        "Raúl",
        "Benítez Ruiz",
        "1719012342",
        "MPCEIPTECNICODEMOVUEECUADORMPCEI",
    ),
    (
        "mpceip.director",
        "Mpceip.Director.2026",
        "MPCEIP",
        Rol.DIRECTOR,
        "Carmen",
        "Zambrano Ríos",
        "1710123453",
        "MPCEIPDIRECTORDEMOVUEECUADORMPCE",
    ),
]

IMPORTER_RUC = "0991003002001"
IMPORTER_CODE = "29000001"
IMPORTER_USER = "demo"

APPLES = {
    "subpartida": "0808.10.00.00",
    "descripcion": "Manzanas frescas Royal Gala",
    "cantidad": "20000",
    "unidad": "KG",
}
WHISKY = {
    "subpartida": "2208.30.00.00",
    "descripcion": "Whisky escocés 12 años",
    "cantidad": "1200",
    "unidad": "L",
}


def load(report: LoadReport) -> None:
    load_staff(report)
    _demo_requests(report)


def load_staff(report: LoadReport) -> None:
    """The agencies' operators, their staff users, profiles and TOTP devices."""
    for entidad in Entidad.objects.exclude(ruc=""):
        operator = upsert(
            Operator,
            {"ruc": entidad.ruc},
            {"legal_name": entidad.name, "kind": Operator.Kind.PUBLICA},
            report,
        )
        for username, password, code, rol, first, last, cedula, secret in STAFF:
            if code != entidad.code:
                continue
            user = upsert(
                User,
                {"login_ruc": entidad.ruc, "username": username},
                {
                    "operator": operator,
                    "first_name": first,
                    "last_name": last,
                    "id_number": cedula,
                    "email": f"{username}@entidad.example",
                    "kind": User.Kind.FUNCIONARIO,
                    "state": User.State.ACTIVE,
                    "is_active": True,
                },
                report,
            )
            if not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            upsert(
                Funcionario,
                {"user": user},
                {"entidad": entidad, "rol": rol, "active": True},
                report,
            )
            upsert(
                TOTPDevice,
                {"user": user, "name": DEVICE_NAME},
                {"key": secret_hex(secret), "confirmed": True},
                report,
            )


def _demo_requests(report: LoadReport) -> None:
    from ecuapass.accounts.models import OceCode
    from ecuapass.edocs.models import EDocument

    from .serializers import CODE

    oce = (
        OceCode.objects.select_related("registration__operator").filter(code=IMPORTER_CODE).first()
    )
    user = User.objects.filter(login_ruc=IMPORTER_RUC, username=IMPORTER_USER).first()
    if oce is None or user is None:
        report.write("VUE: sin el importador de demostración, no se crean solicitudes.")
        return
    if EDocument.objects.filter(doc_type=CODE, filer_oce=oce).exists():
        return
    today = timezone.localdate()
    apples = file_demo(oce, user, "AGRO-PFI", [APPLES], _agro_datos(today))
    pay_and_issue(apples, note="Inspección en destino; lotes con etiqueta de origen.")
    whisky = file_demo(
        oce,
        user,
        "ARCSA-NSO",
        [WHISKY],
        {"numero_notificacion": "NSO-2025-0099", "fabricante": "Highland Distillers"},
    )
    pay_and_issue(whisky, note="")
    emitido = DocumentoEmitido.objects.get(solicitud__edoc=whisky)
    emitido.valido_desde = today - timedelta(days=200)
    emitido.valido_hasta = today - timedelta(days=20)
    emitido.save(update_fields=["valido_desde", "valido_hasta"])
    file_demo(
        oce, user, "AGRO-PFI", [dict(APPLES, cantidad="5000")], _agro_datos(today)
    )  # por pagar
    returned = file_demo(oce, user, "AGRO-PFI", [dict(APPLES, cantidad="8000")], _agro_datos(today))
    pay(returned)
    act(
        returned,
        "devolver",
        "Adjunte el certificado fitosanitario legible (la copia está cortada).",
    )
    review = file_demo(oce, user, "AGRO-PFI", [dict(APPLES, cantidad="3000")], _agro_datos(today))
    pay(review)
    report.add("solicitudes VUE de demostración", "inserted", 5)


def _agro_datos(today) -> dict:
    return {
        "pais_origen": "Chile",
        "puerto_ingreso": "Guayaquil",
        "fecha_embarque": (today + timedelta(days=10)).isoformat(),
        "uso": "Consumo",
    }


def _pdf() -> dict:
    import base64

    content = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return {"nombre": "certificado.pdf", "contenido": base64.b64encode(content).decode()}


def file_demo(oce, user, tipo_code: str, productos, datos):
    """File a request through the serializer and the engine, and process it (demo and tests)."""
    from ecuapass.edocs import services
    from ecuapass.edocs.states import Channel

    from .models import TipoDocumento
    from .serializers import SolicitudVueSerializer

    tipo = TipoDocumento.objects.get(code=tipo_code)
    payload = {
        "tipo_documento": "VUE",
        "tipo": tipo_code,
        "datos": datos,
        "productos": productos,
        "adjuntos": [dict(_pdf(), etiqueta=label) for label in tipo.adjuntos_requeridos],
    }
    serializer = SolicitudVueSerializer(data=payload)
    serializer.is_valid(raise_exception=True)
    outcome = services.submit_payload(
        services.registry.get("VUE"),
        serializer.validated_data,
        raw=payload,
        user=user,
        oce=oce,
        channel=Channel.SOFTWARE,
    )
    edoc = outcome.envio.document
    services.process(edoc.pk)
    edoc.refresh_from_db()
    return edoc


def pay(edoc) -> None:
    from ecuapass.obligaciones import services as ledger

    obligation = ledger.for_source(edoc.content)
    if obligation is not None:
        ledger.pay(
            obligation,
            amount=ledger.amount_due(obligation).total,
            collector="DEMO",
            reference=f"DEMO-{edoc.pk}",
        )
    edoc.refresh_from_db()


def act(edoc, accion: str, note: str = ""):
    from ecuapass.edocs import lifecycle

    from .models import Solicitud

    content = Solicitud.objects.select_related("tipo", "asignado_a__user").get(edoc=edoc)
    if accion == "autorizar":
        actor = Funcionario.objects.filter(entidad=content.tipo.entidad, rol=Rol.DIRECTOR).first()
    else:
        actor = content.asignado_a
    return lifecycle.fire(edoc, accion, user=actor.user, note=note)


def pay_and_issue(edoc, *, note: str) -> None:
    pay(edoc)
    edoc.refresh_from_db()
    if edoc.content.tipo.requiere_director:
        act(edoc, "aprobar", note)
        act(edoc, "autorizar", note)
    else:
        act(edoc, "emitir", note)
