"""The portal's forms. Each e-doc form builds the type's API payload (``payload()``) and is filled
back from one (``initial_from``): the serializers of ``serializers.py`` validate both channels."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CorreccionManifiesto, EventoCarga, Modo, Trayecto

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def parse_contenedores(text: str) -> list[dict]:
    """One container per line: its number, then its seals ("MSCU1234565 ML-1 ML-2")."""
    rows = []
    for line in (text or "").splitlines():
        parts = line.replace(",", " ").split()
        if parts:
            rows.append({"numero": parts[0].upper(), "sellos": parts[1:]})
    return rows


def format_contenedores(rows) -> str:
    return "\n".join(" ".join([r["numero"], *r.get("sellos", [])]) for r in rows or [])


class ManifiestoForm(forms.Form):
    modo = forms.ChoiceField(label=_("Modo de transporte"), choices=Modo.choices)
    trayecto = forms.ChoiceField(label=_("Trayecto"), choices=Trayecto.choices)
    transportista_codigo = forms.CharField(
        label=_("Código del transportista (SCAC / IATA)"), max_length=4
    )
    medio_nombre = forms.CharField(label=_("Nombre del buque o aerolínea"), max_length=100)
    medio_identificacion = forms.CharField(label=_("IMO o número de vuelo"), max_length=20)
    viaje = forms.CharField(label=_("Viaje"), max_length=20, required=False)
    distrito = forms.CharField(label=_("Distrito aduanero de llegada"), max_length=3)
    puerto_embarque = forms.CharField(label=_("Puerto de embarque (UN/LOCODE)"), max_length=5)
    puerto_llegada = forms.CharField(label=_("Puerto de llegada (UN/LOCODE)"), max_length=5)
    fecha_estimada_llegada = forms.DateTimeField(label=_("Fecha estimada de llegada"), widget=DT)

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "tipo_documento": "MAN",
            "modo": d["modo"],
            "trayecto": d["trayecto"],
            "transportista_codigo": d["transportista_codigo"].upper(),
            "medio_transporte": {
                "nombre": d["medio_nombre"],
                "identificacion": d["medio_identificacion"],
                "viaje": d["viaje"],
            },
            "distrito": d["distrito"],
            "puerto_embarque": d["puerto_embarque"].upper(),
            "puerto_llegada": d["puerto_llegada"].upper(),
            "fecha_estimada_llegada": d["fecha_estimada_llegada"].isoformat(),
        }

    @staticmethod
    def initial_from(payload: dict) -> dict:
        medio = payload.get("medio_transporte") or {}
        return {
            **{k: payload.get(k) for k in ("modo", "trayecto", "transportista_codigo")},
            "medio_nombre": medio.get("nombre"),
            "medio_identificacion": medio.get("identificacion"),
            "viaje": medio.get("viaje"),
            **{
                k: payload.get(k)
                for k in ("distrito", "puerto_embarque", "puerto_llegada", "fecha_estimada_llegada")
            },
        }


class DesconsolidacionForm(forms.Form):
    mrn = forms.CharField(label=_("MRN del manifiesto"), max_length=20)
    msn = forms.CharField(label=_("MSN del documento madre"), max_length=4)

    def payload(self) -> dict:
        d = self.cleaned_data
        return {"tipo_documento": "MAN-H", "mrn": d["mrn"].strip().upper(), "msn": d["msn"]}

    @staticmethod
    def initial_from(payload: dict) -> dict:
        return {"mrn": payload.get("mrn"), "msn": payload.get("msn")}


class CorreccionForm(forms.Form):
    mrn = forms.CharField(label=_("MRN del manifiesto"), max_length=20)
    msn = forms.CharField(label=_("MSN"), max_length=4)
    hsn = forms.CharField(
        label=_("HSN (0000 para el documento madre)"), max_length=4, initial="0000"
    )
    motivo_codigo = forms.ChoiceField(
        label=_("Motivo"), choices=CorreccionManifiesto.Motivo.choices
    )
    motivo = forms.CharField(
        label=_("Justificación"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    consignatario_ruc = forms.CharField(
        label=_("Nuevo RUC del consignatario"), max_length=13, required=False
    )
    consignatario_nombre = forms.CharField(
        label=_("Nuevo consignatario"), max_length=300, required=False
    )
    bultos = forms.IntegerField(label=_("Nuevos bultos"), required=False)
    peso = forms.DecimalField(label=_("Nuevo peso bruto (kg)"), required=False, decimal_places=3)
    flete = forms.DecimalField(label=_("Nuevo flete (USD)"), required=False, decimal_places=2)
    descripcion = forms.CharField(label=_("Nueva descripción"), max_length=500, required=False)

    CAMBIOS = (
        "consignatario_ruc",
        "consignatario_nombre",
        "bultos",
        "peso",
        "flete",
        "descripcion",
    )

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "tipo_documento": "MAN-COR",
            "mrn": d["mrn"].strip().upper(),
            "msn": d["msn"],
            "hsn": d["hsn"] or "0000",
            "motivo_codigo": d["motivo_codigo"],
            "motivo": d["motivo"],
            "cambios": {k: str(d[k]) for k in self.CAMBIOS if d.get(k) not in (None, "")},
        }

    @staticmethod
    def initial_from(payload: dict) -> dict:
        return {
            **{k: payload.get(k) for k in ("mrn", "msn", "hsn", "motivo_codigo", "motivo")},
            **(payload.get("cambios") or {}),
        }


class DocumentoForm(forms.Form):
    numero = forms.CharField(label=_("B/L o AWB"), max_length=35)
    embarcador = forms.CharField(label=_("Embarcador"), max_length=200)
    consignatario_ruc = forms.CharField(
        label=_("RUC del consignatario"), max_length=13, required=False
    )
    consignatario_nombre = forms.CharField(label=_("Consignatario"), max_length=300)
    deposito = forms.CharField(label=_("Depósito temporal (código)"), max_length=8)
    bultos = forms.IntegerField(label=_("Bultos"), min_value=1)
    peso = forms.DecimalField(label=_("Peso bruto (kg)"), decimal_places=3, min_value=0)
    volumen = forms.DecimalField(
        label=_("Volumen (m³)"), decimal_places=3, min_value=0, required=False
    )
    descripcion = forms.CharField(label=_("Descripción"), max_length=500)
    flete = forms.DecimalField(label=_("Flete (USD)"), decimal_places=2, min_value=0)
    contenedores = forms.CharField(
        label=_("Contenedores y sellos (uno por línea: número y sellos)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "numero": d["numero"],
            "embarcador": d["embarcador"],
            "consignatario": {"ruc": d["consignatario_ruc"], "nombre": d["consignatario_nombre"]},
            "deposito": d["deposito"],
            "bultos": d["bultos"],
            "peso": str(d["peso"]),
            "volumen": str(d["volumen"] or 0),
            "descripcion": d["descripcion"],
            "flete": str(d["flete"]),
            "contenedores": parse_contenedores(d["contenedores"]),
        }

    @staticmethod
    def initial_from(data: dict) -> dict:
        consignatario = data.get("consignatario") or {}
        return {
            **{
                k: data.get(k)
                for k in ("numero", "embarcador", "deposito", "bultos", "peso", "volumen")
            },
            "descripcion": data.get("descripcion"),
            "flete": data.get("flete"),
            "consignatario_ruc": consignatario.get("ruc"),
            "consignatario_nombre": consignatario.get("nombre"),
            "contenedores": format_contenedores(data.get("contenedores")),
        }


DocumentoFormSet = forms.formset_factory(DocumentoForm, extra=0, max_num=500)


class LlegadaForm(forms.Form):
    fecha_hora = forms.DateTimeField(label=_("Fecha-hora real de llegada"), widget=DT)


class IngresoForm(forms.Form):
    bultos = forms.IntegerField(label=_("Bultos recibidos"), min_value=0)
    peso = forms.DecimalField(label=_("Peso recibido (kg)"), decimal_places=3, min_value=0)
    fecha_hora = forms.DateTimeField(label=_("Fecha-hora del ingreso"), widget=DT)
    contenedores = forms.CharField(
        label=_("Contenedores y sellos recibidos (uno por línea)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    observacion = forms.CharField(
        label=_("Observación"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NovedadForm(forms.Form):
    novedad = forms.ChoiceField(label=_("Tipo de novedad"), choices=EventoCarga.Novedad.choices)
    fase = forms.ChoiceField(
        label=_("Fase"),
        choices=[
            (EventoCarga.Fase.ALMACENAMIENTO, EventoCarga.Fase.ALMACENAMIENTO.label),
            (EventoCarga.Fase.SALIDA, EventoCarga.Fase.SALIDA.label),
        ],
    )
    bultos = forms.IntegerField(label=_("Bultos afectados"), min_value=0, required=False)
    peso = forms.DecimalField(
        label=_("Peso afectado (kg)"), decimal_places=3, min_value=0, required=False
    )
    fecha_hora = forms.DateTimeField(label=_("Fecha-hora de la novedad"), widget=DT)
    observacion = forms.CharField(
        label=_("Descripción de la novedad"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SalidaForm(forms.Form):
    fecha_hora = forms.DateTimeField(label=_("Fecha-hora de salida"), widget=DT)
    observacion = forms.CharField(
        label=_("Observación"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RangoDistritoForm(forms.Form):
    """Fecha/rango and distrito, mandatory in 2.11's cargo tabs (the range is bounded)."""

    desde = forms.DateField(label=_("Desde"), widget=forms.DateInput(attrs={"type": "date"}))
    hasta = forms.DateField(label=_("Hasta"), widget=forms.DateInput(attrs={"type": "date"}))
    distrito = forms.ChoiceField(label=_("Distrito"))

    MAX_DAYS = 93

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ecuapass.core.models import CustomsDistrict

        self.fields["distrito"].choices = [("", "—")] + [
            (d.code, f"{d.code} - {d.name}") for d in CustomsDistrict.objects.filter(active=True)
        ]

    def clean(self):
        data = super().clean()
        desde, hasta = data.get("desde"), data.get("hasta")
        if desde and hasta:
            if desde > hasta:
                self.add_error("hasta", _("La fecha hasta es anterior a la fecha desde."))
            elif (hasta - desde).days > self.MAX_DAYS:
                self.add_error(
                    "hasta",
                    _("El rango de fechas es de máximo %(n)s días.") % {"n": self.MAX_DAYS},
                )
        return data


class NovedadesForm(RangoDistritoForm):
    """2.11 «Consulta de Informe de Novedades»."""

    fase = forms.ChoiceField(
        label=_("Tipo de novedad"),
        required=False,
        choices=[("", _("Todas")), *EventoCarga.Fase.choices],
    )
    numero = forms.CharField(label=_("Número de entrega"), max_length=30, required=False)
    deposito = forms.CharField(label=_("Depósito (código)"), max_length=8, required=False)
    carga = forms.CharField(label=_("Número de carga (MRN)"), max_length=30, required=False)
    q = forms.CharField(
        label=_("Búsqueda en resultados (número de entrega, MRN o depósito)"),
        max_length=30,
        required=False,
    )


class LlegadasForm(RangoDistritoForm):
    """2.11 «Consulta de llegada de medios de transporte»."""

    modo = forms.ChoiceField(
        label=_("Modo"), required=False, choices=[("", _("Todos")), *Modo.choices]
    )


class DespachoForm(forms.Form):
    numero = forms.CharField(label=_("Número de la DAI o DAE"), max_length=30, required=False)
    mrn = forms.CharField(label=_("MRN"), max_length=20, required=False)
    msn = forms.CharField(label=_("MSN"), max_length=4, required=False)
    hsn = forms.CharField(label=_("HSN"), max_length=4, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("numero") and not (data.get("mrn") and data.get("msn")):
            raise forms.ValidationError(
                _("Indique el número de la declaración, o el MRN y el MSN (y el HSN).")
            )
        return data
