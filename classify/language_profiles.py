"""Reference text and function words from which `language` builds its language profiles.

The sentences were written for this module in the register Intake reads (customer letters and
mail); they only need to show each language's usual letter sequences, not to be complete.
"""

SAMPLE_TEXT: dict[str, str] = {
    "en": """
        Dear Sir or Madam, I am writing to you about my order, which should have been delivered
        last week. The courier did not come and nobody called me. I have already paid the invoice
        and I would like to know when the parcel will arrive. If it is not possible to deliver it
        this week, please cancel the order and return my money to the same card. The television I
        bought in your store last month stopped working after two weeks. The screen stays black
        and the remote control does nothing. I would like to return it under the warranty or get
        a new one. Could you also tell me how many points I have in the loyalty club and whether I
        can use them for the next purchase? Thank you for your help, and I look forward to hearing
        from you soon. Kind regards. The staff in the shop were very rude and did not want to
        listen to my complaint. I think this is not the right way to treat customers who have been
        shopping with you for years. Please check why I was charged twice for the same payment.
        How do I connect the new speaker to the wifi network and update the firmware through the
        app? The delivery address was wrong, so the package went back to the warehouse. Everything
        worked well and I am very happy with the quick service, thanks again to everyone.
    """,
    "pl": """
        Szanowni Państwo, piszę w sprawie mojego zamówienia, które miało zostać dostarczone w
        zeszłym tygodniu. Kurier nie przyjechał i nikt do mnie nie zadzwonił. Faktura została już
        opłacona, dlatego chciałbym wiedzieć, kiedy przesyłka do mnie dotrze. Jeżeli nie będzie to
        możliwe w tym tygodniu, proszę anulować zamówienie i zwrócić pieniądze na tę samą kartę.
        Telewizor, który kupiłam w Państwa sklepie w zeszłym miesiącu, przestał działać po dwóch
        tygodniach. Ekran jest czarny, a pilot nie reaguje. Chcę złożyć reklamację w ramach
        gwarancji albo otrzymać nowe urządzenie. Proszę również o informację, ile punktów mam w
        klubie lojalnościowym i czy mogę je wykorzystać przy następnym zakupie. Dziękuję za pomoc
        i czekam na szybką odpowiedź. Z poważaniem. Obsługa w sklepie była bardzo niegrzeczna i
        nie chciała wysłuchać mojej skargi. Uważam, że nie tak powinno się traktować klientów,
        którzy robią u Państwa zakupy od wielu lat. Proszę sprawdzić, dlaczego pobrano ode mnie
        dwa razy tę samą płatność. Jak połączyć nowy głośnik z siecią wifi i zaktualizować
        oprogramowanie przez aplikację? Adres dostawy był błędny, więc paczka wróciła do
        magazynu. Wszystko działało dobrze i jestem bardzo zadowolony z szybkiej obsługi, jeszcze
        raz dziękuję.
    """,
    "de": """
        Sehr geehrte Damen und Herren, ich schreibe Ihnen wegen meiner Bestellung, die letzte Woche
        geliefert werden sollte. Der Kurier ist nicht gekommen und niemand hat mich angerufen. Die
        Rechnung habe ich schon bezahlt und ich möchte wissen, wann das Paket ankommt. Der
        Fernseher, den ich in Ihrem Geschäft gekauft habe, funktioniert nach zwei Wochen nicht mehr.
        Ich möchte ihn im Rahmen der Garantie zurückgeben oder ein neues Gerät bekommen. Vielen
        Dank für Ihre Hilfe, mit freundlichen Grüßen. Das Personal war sehr unfreundlich und wollte
        meine Beschwerde nicht hören. Bitte prüfen Sie, warum die Zahlung zweimal abgebucht wurde.
    """,
    "fr": """
        Madame, Monsieur, je vous écris au sujet de ma commande qui devait être livrée la semaine
        dernière. Le livreur n'est pas venu et personne ne m'a appelé. J'ai déjà payé la facture et
        je voudrais savoir quand le colis va arriver. Le téléviseur que j'ai acheté dans votre
        magasin ne fonctionne plus après deux semaines. Je souhaite le retourner dans le cadre de
        la garantie ou recevoir un nouvel appareil. Merci pour votre aide, je vous prie d'agréer
        mes salutations distinguées. Le personnel était très désagréable et n'a pas voulu écouter
        ma réclamation. Veuillez vérifier pourquoi le paiement a été débité deux fois.
    """,
    "es": """
        Estimados señores, les escribo por mi pedido, que debía ser entregado la semana pasada. El
        mensajero no vino y nadie me llamó. Ya he pagado la factura y quisiera saber cuándo llegará
        el paquete. El televisor que compré en su tienda dejó de funcionar después de dos semanas.
        Quiero devolverlo dentro de la garantía o recibir un aparato nuevo. Gracias por su ayuda,
        un cordial saludo. El personal fue muy maleducado y no quiso escuchar mi reclamación. Por
        favor, comprueben por qué el pago se cobró dos veces en mi tarjeta.
    """,
}

FUNCTION_WORDS: dict[str, str] = {
    "en": """a about after all also am an and are as at be been but by can could did do does for
        from had has have he her him his how i if in into is it its me my no not of on or our
        please she so than that the their them then there these they this to up was we were what
        when which who will with would you your""",
    "pl": """a aby ale ani bardzo bez był była było być chcę czy dla do gdy go i ich ile im jak
        jaki jest jestem jeszcze jeśli już ją mi mnie mój moja moje mojego na nad nie nic nie nim
        o od oraz po pod przez przy się sobie są ta tak tam te tego tej ten to tu tylko tym u w we
        więc z za ze że żeby proszę państwa dzień dobry""",
    "de": """aber als am an auch auf aus bei bin bis bitte da das dass dem den der des die doch
        ein eine einen er es für hat habe ich ihr ihre im in ist ja kein mein meine mit nach nicht
        noch nur oder sehr sie sind so und uns von war was wie wir zu zum zur über""",
    "fr": """au aux avec ce ces dans de des du elle en est et été il je la le les leur ma mais
        me mes moi mon ne nous ont ou où par pas pour qu que qui sa se ses son sont sur très tu
        un une vos votre vous ça""",
    "es": """al como con de del el ella en era es está esta este fue ha la las le les lo los me
        mi mis muy más no nos para pero por que qué se su sus también un una uno usted y ya""",
}
